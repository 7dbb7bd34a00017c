package dev.stockroom.common.tracing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts {@code trace_id}, {@code span_id} and {@code request_id} of the request being handled into
 * the MDC of each log line written while handling it, so {@code LOG_FORMAT=json} lines carry them
 * (under {@code mdc}) and a log line leads to its trace. Event loops serve many requests in turn,
 * so the fields are set per line, from the Vert.x context of the line's request.
 */
public final class TraceLogFields extends TurboFilter {
  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == null || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL;
    }
    Context context = TraceContexts.currentContext();
    SpanContext span = Span.fromContext(context).getSpanContext();
    if (span.isValid()) {
      MDC.put("trace_id", span.getTraceId());
      MDC.put("span_id", span.getSpanId());
    } else {
      MDC.remove("trace_id");
      MDC.remove("span_id");
    }
    String requestId = context.get(TraceContexts.REQUEST_ID);
    if (requestId != null) {
      MDC.put("request_id", requestId);
    } else {
      MDC.remove("request_id");
    }
    return FilterReply.NEUTRAL;
  }
}
