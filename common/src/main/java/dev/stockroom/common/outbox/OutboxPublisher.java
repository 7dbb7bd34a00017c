package dev.stockroom.common.outbox;

import dev.stockroom.common.tracing.TraceContexts;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.Future;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One relay cycle: read unpublished outbox rows in id order, publish them in ONE Kafka transaction
 * (the producer keeps their order per partition), then mark them published on the relay's lock
 * session. A relay that lost its lock is fenced by its successor's transactional producer (same
 * {@code transactional.id}): its open transaction is aborted and anything it still sends is
 * refused, so nothing it read can land after the successor's records (read_committed consumers
 * never see aborted ones). The mark runs on the lock session, so a leader whose session is gone
 * cannot mark rows either; its successor publishes them again (consumers are idempotent).
 *
 * <p>The watermark argument: {@code asOf} is read from the database clock in a statement that runs
 * BEFORE the statement that reads the rows, so every transaction that committed before {@code asOf}
 * is visible to that read. If the read drained the backlog, all of them are now published (this
 * cycle or an earlier one), and the watermark may say so, in the same transaction.
 */
final class OutboxPublisher {
  private static final String NOW = "SELECT statement_timestamp() AS now";
  private static final String UNPUBLISHED =
      "SELECT id, topic, event_key, event_type, event_id, payload, created_at, trace_context"
          + " FROM outbox"
          + " WHERE published_at IS NULL ORDER BY id LIMIT $1";
  private static final String MARK_PUBLISHED =
      "UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1)";

  private final Pool pool;
  private final KafkaProducer<String, byte[]> producer;
  private final Supplier<Future<SqlClient>> lockSession;
  private final OutboxRelayConfig config;
  private final List<String> topics;
  private boolean transactionsStarted;
  private Map<String, Integer> keyPartitions; // once ready()
  private final Timer publishLatency;
  private final Tracer tracer;

  OutboxPublisher(
      Pool pool,
      KafkaProducer<String, byte[]> producer,
      Supplier<Future<SqlClient>> lockSession,
      OutboxRelayConfig config,
      Set<String> topics,
      Timer publishLatency,
      Tracer tracer) {
    this.pool = pool;
    this.producer = producer;
    this.lockSession = lockSession;
    this.config = config;
    this.topics = List.copyOf(new TreeSet<>(topics));
    this.publishLatency = publishLatency;
    this.tracer = tracer;
  }

  /**
   * Once per term, before its first cycle: initTransactions (it aborts whatever the previous leader
   * left open), then the partitions keys go to ({@link PartitionPins}). Each step once: a producer
   * whose transactions started refuses initTransactions again, so a pinning that failed (the
   * database away) is retried alone.
   */
  Future<Void> ready() {
    if (keyPartitions != null) {
      return Future.succeededFuture();
    }
    Future<Void> started =
        transactionsStarted
            ? Future.succeededFuture()
            : producer.initTransactions().onSuccess(v -> transactionsStarted = true);
    return started
        .compose(v -> PartitionPins.load(pool, producer, topics))
        .onSuccess(pinned -> keyPartitions = pinned)
        .mapEmpty();
  }

  /**
   * What a cycle did: {@code more} when it read a full batch (more may be waiting), {@code
   * published} when it sent any outbox record.
   */
  record Cycle(boolean more, boolean published) {}

  /** Publishes one batch. */
  Future<Cycle> cycle(boolean watermarkDue) {
    Future<Instant> asOf = watermarkDue ? databaseNow() : Future.succeededFuture(null);
    return asOf.compose(
        t ->
            unpublished()
                .compose(
                    rows -> {
                      boolean drained = rows.size() < config.batchSize();
                      boolean watermark = drained && t != null;
                      if (rows.isEmpty() && !watermark) {
                        return Future.succeededFuture(new Cycle(false, false));
                      }
                      // The watermarks are sent behind the rows without waiting for their
                      // acknowledgements: the producer keeps each partition's order, and the
                      // transaction makes all of them visible together or none. Waiting cost each
                      // cycle one more round trip to the broker, and every change behind it too.
                      return inTransaction(
                              () ->
                                  Future.all(
                                          publish(rows),
                                          watermark
                                              ? publishWatermarks(t)
                                              : Future.succeededFuture())
                                      .<Void>mapEmpty())
                          .compose(v -> markPublished(rows))
                          .map(new Cycle(!drained, !rows.isEmpty()));
                    }));
  }

  /**
   * A cycle that failed inside its Kafka transaction: the producer may be left mid-abort (an abort
   * that timed out must be retried before anything else is allowed), so the relay replaces it.
   */
  static final class TransactionFailed extends RuntimeException {
    TransactionFailed(Throwable cause) {
      super(cause.toString(), cause);
    }
  }

  private Future<Void> inTransaction(Supplier<Future<Void>> sends) {
    return producer
        .beginTransaction()
        .compose(v -> sends.get())
        .compose(v -> producer.commitTransaction())
        .recover(
            e ->
                producer
                    .abortTransaction()
                    .transform(x -> Future.failedFuture(new TransactionFailed(e))));
  }

  private Future<Instant> databaseNow() {
    return pool.query(NOW)
        .execute()
        .map(rows -> rows.iterator().next().getOffsetDateTime("now").toInstant());
  }

  private Future<List<OutboxRow>> unpublished() {
    return pool.preparedQuery(UNPUBLISHED)
        .execute(Tuple.of(config.batchSize()))
        .map(
            rows -> {
              List<OutboxRow> result = new ArrayList<>(rows.size());
              for (Row row : rows) {
                result.add(OutboxRow.from(row));
              }
              return result;
            });
  }

  private Future<Void> publish(List<OutboxRow> rows) {
    List<Future<?>> sends = new ArrayList<>(rows.size());
    for (OutboxRow row : rows) {
      KafkaProducerRecord<String, byte[]> record =
          CloudEventRecords.of(config.source(), row, keyPartitions.get(row.topic()));
      Span span = publishSpan(row);
      String trace = TraceContexts.of(span);
      if (trace != null) {
        record.addHeader(TraceContexts.HEADER, trace);
      }
      sends.add(
          producer
              .send(record)
              .onComplete(
                  (sent, failure) -> {
                    if (failure != null) {
                      span.setStatus(StatusCode.ERROR, failure.toString());
                    }
                    span.end();
                  }));
    }
    return Future.all(sends).mapEmpty();
  }

  /**
   * A producer span in the trace of the request that wrote the row (none for untraced rows): the
   * trace of a write then shows when its event left for Kafka, and the record carries it on.
   */
  private Span publishSpan(OutboxRow row) {
    if (row.traceContext() == null) {
      return Span.getInvalid();
    }
    return tracer
        .spanBuilder(row.topic() + " publish")
        .setParent(TraceContexts.parent(row.traceContext()))
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute("messaging.system", "kafka")
        .setAttribute("messaging.operation.type", "send")
        .setAttribute("messaging.destination.name", row.topic())
        .setAttribute("messaging.kafka.message.key", row.key())
        .startSpan();
  }

  private Future<Void> markPublished(List<OutboxRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    Instant now = Instant.now();
    rows.forEach(row -> publishLatency.record(Duration.between(row.createdAt(), now)));
    Long[] ids = rows.stream().map(OutboxRow::id).toArray(Long[]::new);
    return lockSession
        .get()
        .compose(session -> session.preparedQuery(MARK_PUBLISHED).execute(Tuple.of((Object) ids)))
        .mapEmpty();
  }

  private Future<Void> publishWatermarks(Instant asOf) {
    List<Future<?>> sends = new ArrayList<>();
    List<Future<List<PartitionInfo>>> lookups =
        topics.stream().map(producer::partitionsFor).toList();
    return Future.all(lookups)
        .compose(
            all -> {
              for (int i = 0; i < topics.size(); i++) {
                for (PartitionInfo partition : lookups.get(i).result()) {
                  sends.add(
                      producer.send(
                          CloudEventRecords.watermark(
                              config.source(), topics.get(i), partition.getPartition(), asOf)));
                }
              }
              return Future.all(sends);
            })
        .mapEmpty();
  }
}
