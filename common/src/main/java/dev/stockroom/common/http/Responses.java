package dev.stockroom.common.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * JSON success responses. Handlers call these in a future's success listener, where an exception (a
 * header value Vert.x refuses, a body that cannot be encoded) reaches no failure handler: the
 * request would go unanswered until the idle timeout. Here it fails the request instead, a 500
 * problem, as a handler throwing on the event loop is.
 */
public final class Responses {
  private Responses() {}

  public static void ok(RoutingContext ctx, JsonObject body) {
    json(ctx, 200, body);
  }

  public static void created(RoutingContext ctx, String location, JsonObject body) {
    answer(
        ctx,
        () -> {
          ctx.response().putHeader("Location", location);
          write(ctx, 201, body);
        });
  }

  public static void noContent(RoutingContext ctx) {
    answer(ctx, () -> ctx.response().setStatusCode(204).end());
  }

  /** A body already rendered as JSON bytes (a large page written by a streaming generator). */
  public static void ok(RoutingContext ctx, Buffer json) {
    answer(
        ctx,
        () ->
            ctx.response()
                .setStatusCode(200)
                .putHeader("Content-Type", "application/json")
                .end(json));
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    answer(ctx, () -> write(ctx, status, body));
  }

  private static void write(RoutingContext ctx, int status, JsonObject body) {
    // toBuffer writes UTF-8 bytes directly; encode() built a String that end() encoded again.
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.toBuffer());
  }

  private static void answer(RoutingContext ctx, Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      if (ctx.response().headWritten()) {
        throw e;
      }
      ctx.fail(e);
    }
  }
}
