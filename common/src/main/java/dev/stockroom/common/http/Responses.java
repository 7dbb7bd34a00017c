package dev.stockroom.common.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON success responses. */
public final class Responses {
  private Responses() {}

  public static void ok(RoutingContext ctx, JsonObject body) {
    json(ctx, 200, body);
  }

  public static void created(RoutingContext ctx, String location, JsonObject body) {
    ctx.response().putHeader("Location", location);
    json(ctx, 201, body);
  }

  public static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }

  /** A body already rendered as JSON bytes (a large page written by a streaming generator). */
  public static void ok(RoutingContext ctx, Buffer json) {
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(json);
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    // toBuffer writes UTF-8 bytes directly; encode() built a String that end() encoded again.
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.toBuffer());
  }
}
