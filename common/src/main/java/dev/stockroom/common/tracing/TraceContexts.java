package dev.stockroom.common.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * W3C {@code traceparent} strings for what outlives a request: an outbox row, a Kafka record's
 * header, a saga's row. {@code null} means "no trace".
 */
public final class TraceContexts {
  public static final String HEADER = "traceparent";

  /** The request id of the HTTP request being handled (see {@code RequestIds}), for log lines. */
  public static final ContextKey<String> REQUEST_ID = ContextKey.named("stockroom.request_id");

  private static final TextMapGetter<String> ONE =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
          return java.util.List.of(HEADER);
        }

        @Override
        public String get(String carrier, String key) {
          return HEADER.equals(key) ? carrier : null;
        }
      };

  private TraceContexts() {}

  /** The {@code traceparent} of the span current on this Vert.x context, or null. */
  public static String current() {
    return of(Span.fromContext(currentContext()));
  }

  /**
   * The OpenTelemetry context of this Vert.x context (root when none). Vert.x keeps it in a context
   * local, which a Vert.x instance created before the local was registered does not have: such a
   * context (a test's, say) has no trace.
   */
  public static Context currentContext() {
    try {
      return Context.current();
    } catch (IllegalArgumentException noSuchLocal) {
      return Context.root();
    }
  }

  /** Makes {@code context} current on this Vert.x context until the scope closes. */
  public static Scope attach(Context context) {
    try {
      return context.makeCurrent();
    } catch (IllegalArgumentException noSuchLocal) {
      return Scope.noop();
    }
  }

  /**
   * Runs {@code work} with {@code parent} current, so what it calls (an HTTP client request, whose
   * client span Vert.x parents on the context current when the request is sent, after a pooled
   * connection was found) hangs under it. It runs at once, on a duplicate of this Vert.x context
   * that holds {@code parent} for as long as the work lasts; its answer completes on this context.
   * Without a valid span in {@code parent} (tracing off) the work just runs.
   */
  public static <T> Future<T> within(Context parent, Supplier<Future<T>> work) {
    ContextInternal caller = ContextInternal.current();
    if (caller == null || !Span.fromContext(parent).getSpanContext().isValid()) {
      return started(work);
    }
    ContextInternal duplicate = caller.duplicate();
    Promise<T> answer = caller.promise();
    duplicate.dispatch(
        () -> {
          attachForGood(parent);
          started(work).onComplete(answer);
        });
    return answer.future();
  }

  /** Never closed: the duplicate it is attached to ends with the work it was made for. */
  @SuppressWarnings("MustBeClosedChecker")
  private static void attachForGood(Context context) {
    try {
      context.makeCurrent();
    } catch (IllegalArgumentException noSuchLocal) {
      // A Vert.x instance older than the context local: the work runs without the parent.
    }
  }

  private static <T> Future<T> started(Supplier<Future<T>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Marks the request being handled with its id; lasts as long as the request's context. */
  @SuppressWarnings("MustBeClosedChecker")
  public static void enterRequest(String requestId) {
    try {
      // Never closed on purpose: the request's duplicated Vert.x context ends with the request.
      currentContext().with(REQUEST_ID, requestId).makeCurrent();
    } catch (IllegalArgumentException noSuchLocal) {
      // A Vert.x instance older than the context local: no request id in its log lines.
    }
  }

  public static String of(Span span) {
    SpanContext context = span.getSpanContext();
    if (!context.isValid()) {
      return null;
    }
    Map<String, String> carrier = new HashMap<>(2);
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), carrier, Map::put);
    return carrier.get(HEADER);
  }

  /** The context a stored {@code traceparent} names (root when null or malformed). */
  public static Context parent(String traceparent) {
    if (traceparent == null) {
      return Context.root();
    }
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, ONE);
  }

  /** The span context a stored {@code traceparent} names, for a link; invalid when none. */
  public static SpanContext linkTo(String traceparent) {
    return Span.fromContext(parent(traceparent)).getSpanContext();
  }
}
