package dev.stockroom.users.credit;

import dev.stockroom.common.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** HTTP handlers for credit holds: the users side of the order saga. */
public final class CreditHandlers {
  private final HoldStore store;

  public CreditHandlers(HoldStore store) {
    this.store = store;
  }

  public void hold(RoutingContext ctx) {
    UUID userId = UUID.fromString(ctx.pathParam("id"));
    JsonObject body = ctx.body().asJsonObject();
    store
        .hold(
            body.getString("holdId"),
            userId,
            body.getLong("amountCents"),
            body.getInteger("ttlSeconds"))
        .onSuccess(
            outcome -> {
              if (outcome.created()) {
                Responses.created(
                    ctx, "/credit-holds/" + outcome.hold().holdId(), outcome.hold().toJson());
              } else {
                Responses.ok(ctx, outcome.hold().toJson());
              }
            })
        .onFailure(ctx::fail);
  }

  public void capture(RoutingContext ctx) {
    store
        .capture(ctx.pathParam("holdId"))
        .onSuccess(hold -> Responses.ok(ctx, hold.toJson()))
        .onFailure(ctx::fail);
  }

  public void release(RoutingContext ctx) {
    store
        .release(ctx.pathParam("holdId"))
        .onSuccess(v -> Responses.noContent(ctx))
        .onFailure(ctx::fail);
  }
}
