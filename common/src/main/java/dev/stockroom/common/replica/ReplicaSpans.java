package dev.stockroom.common.replica;

import dev.stockroom.common.tracing.TraceContexts;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * A consumer span per traced record of a batch, a child of the span that published it: the trace of
 * a change at the owner then ends where each replica committed it. Records without a {@code
 * traceparent} (watermarks, untraced writes) get none.
 */
final class ReplicaSpans {
  private final Tracer tracer;
  private final String group;
  private final String table;

  ReplicaSpans(Tracer tracer, String group, String table) {
    this.tracer = tracer;
    this.group = group;
    this.table = table;
  }

  List<Span> start(List<KafkaConsumerRecord<String, byte[]>> batch) {
    List<Span> spans = new ArrayList<>();
    for (KafkaConsumerRecord<String, byte[]> record : batch) {
      String trace = traceparent(record);
      if (trace != null) {
        spans.add(
            tracer
                .spanBuilder(record.topic() + " process")
                .setParent(TraceContexts.parent(trace))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("messaging.consumer.group.name", group)
                .setAttribute("messaging.destination.partition.id", record.partition())
                .setAttribute("messaging.kafka.offset", record.offset())
                .setAttribute("stockroom.replica", table)
                .startSpan());
      }
    }
    return spans;
  }

  /** After the batch's transaction and offset commit (or their failure). */
  static void end(List<Span> spans, Throwable failure) {
    for (Span span : spans) {
      if (failure != null) {
        span.setStatus(StatusCode.ERROR, failure.toString());
      }
      span.end();
    }
  }

  private static String traceparent(KafkaConsumerRecord<String, byte[]> record) {
    return ReplicaEvent.header(record, TraceContexts.HEADER);
  }
}
