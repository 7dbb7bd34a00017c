package dev.stockroom.common.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * The answer to a batch call (the saga's group commit): 200 with one result per item, in the order
 * asked, each what the single call would have answered: its status and body, or its status and
 * problem. A caller classifies each result exactly as it would the single answer.
 */
public final class BatchResults {
  private BatchResults() {}

  /** An item done: {@code status} as the single call answers it (200, 201, 204). */
  public static JsonObject done(int status, JsonObject body) {
    return new JsonObject().put("status", status).put("body", body);
  }

  /** An item refused, with the problem the single call would have answered. */
  public static JsonObject refused(RoutingContext ctx, Problem problem) {
    return new JsonObject()
        .put("status", problem.status())
        .put("problem", problem.toJson(ctx.request().path(), RequestIds.of(ctx)));
  }

  public static <T> void send(RoutingContext ctx, List<T> items, Function<T, JsonObject> result) {
    JsonArray results = new JsonArray();
    items.forEach(item -> results.add(result.apply(item)));
    Responses.ok(ctx, new JsonObject().put("results", results));
  }
}
