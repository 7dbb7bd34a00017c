package dev.stockroom.common.http;

import dev.stockroom.common.domain.BatchItem;
import dev.stockroom.common.domain.Refusal;
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
  static JsonObject done(int status, JsonObject body) {
    return new JsonObject().put("status", status).put("body", body);
  }

  /** An item refused, with the problem the single call would have answered. */
  static JsonObject refused(RoutingContext ctx, Problem problem) {
    return new JsonObject()
        .put("status", problem.status())
        .put("problem", problem.toJson(ctx.request().path(), RequestIds.of(ctx)));
  }

  /**
   * Answers 200 with one result per item: a refused item with the problem {@code problems} makes of
   * its refusal (as the single call's handler does), any other with {@code made} (what the single
   * call answers when it creates) or 200, and its value as {@code json} renders it.
   */
  public static <T> void send(
      RoutingContext ctx,
      List<BatchItem<T>> items,
      int made,
      Function<T, JsonObject> json,
      Function<Refusal, Throwable> problems) {
    JsonArray results = new JsonArray();
    for (BatchItem<T> item : items) {
      results.add(
          item.refusal() != null
              ? refused(ctx, (Problem) problems.apply(item.refusal()))
              : done(item.created() ? made : 200, json.apply(item.value())));
    }
    Responses.ok(ctx, new JsonObject().put("results", results));
  }
}
