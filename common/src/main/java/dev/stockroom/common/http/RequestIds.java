package dev.stockroom.common.http;

import dev.stockroom.common.tracing.TraceContexts;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the caller's {@code X-Request-Id} (or makes one), returns it on the response and writes one
 * access-log line per request with it, so a client's report can be found in the logs. The same end
 * handler records the request's meters (when the platform keeps them), timed from the same start.
 */
public final class RequestIds implements PlatformHandler {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Logger access = LoggerFactory.getLogger("stockroom.access");

  /** Null when the metrics layer is off for a benchmark. */
  private final RequestMeters meters;

  RequestIds(RequestMeters meters) {
    this.meters = meters;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String incoming = ctx.request().getHeader(HEADER);
    String id = incoming != null && SAFE.matcher(incoming).matches() ? incoming : newId();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    TraceContexts.enterRequest(id);
    // The tracer lets go of the request's trace context once the response is sent, which is when
    // the access line is written: keep it for that line.
    io.opentelemetry.context.Context trace = TraceContexts.currentContext();
    long start = System.nanoTime();
    ctx.addEndHandler(
        done -> {
          long nanos = System.nanoTime() - start;
          if (meters != null) {
            meters.record(ctx, nanos);
          }
          if (access.isDebugEnabled()
              || (ctx.response().getStatusCode() >= 400 && access.isInfoEnabled())) {
            try (var scope = TraceContexts.attach(trace)) {
              access.info(
                  "{} {} {} {}ms requestId={}",
                  ctx.request().method(),
                  ctx.request().uri(),
                  ctx.response().getStatusCode(),
                  nanos / 1_000_000,
                  id);
            }
          }
        });
    ctx.next();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id != null ? id : "none";
  }

  /**
   * A random (version 4) UUID. Request ids must be unique, not unpredictable: UUID.randomUUID()
   * draws from the process's one SecureRandom, a lock and a SHA-1 per call on every request that
   * comes without an id.
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
