package dev.stockroom.inventory.restocks;

import dev.stockroom.common.http.Caller;
import dev.stockroom.common.http.HttpApi;
import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import dev.stockroom.common.replica.ConsistencyRequest;
import dev.stockroom.common.replica.ConsistencyToken;
import dev.stockroom.common.replica.ReadYourWrites;
import dev.stockroom.common.replica.Replica;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Restocks: the stocker is the token's subject, and the audit entry keeps their name as the
 * freshness-aware read gives it right now (a snapshot, never updated later).
 */
public final class RestockHandlers {
  private final RestockStore store;
  private final Replica users;
  private final Duration budget;

  public RestockHandlers(Pool pool, Replica users, Duration budget) {
    this.store = new RestockStore(pool);
    this.users = users;
    this.budget = budget;
  }

  public void restock(RoutingContext ctx) {
    String sku = ctx.pathParam("sku");
    int quantity = ctx.body().asJsonObject().getInteger("quantity");
    UUID stocker = stockerOf(ctx);
    Optional<String> key = Optional.ofNullable(ctx.request().getHeader("Idempotency-Key"));
    // After renaming themselves, a stocker's token makes the audit keep the new name.
    Optional<ReadYourWrites> after =
        ConsistencyRequest.from(ctx.request().getHeader(ConsistencyToken.HEADER), null, null);
    users
        .lookup(List.of(stocker), budget, after)
        .map(entries -> entries.get(stocker).data())
        .compose(
            data ->
                store.restock(
                    sku, quantity, stocker, data == null ? null : data.getString("name"), key))
        .onSuccess(done -> answer(ctx, sku, done))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  private static void answer(RoutingContext ctx, String sku, RestockStore.Restocked done) {
    JsonObject body =
        new JsonObject().put("restock", done.restock().toJson()).put("item", done.item().toJson());
    if (done.replayed()) {
      Responses.ok(ctx, body);
    } else {
      Responses.created(ctx, "/items/" + sku + "/restocks", body);
    }
  }

  public void list(RoutingContext ctx) {
    Map<String, RequestParameter> query = HttpApi.validated(ctx).getQuery();
    RequestParameter limitParam = query.get("limit");
    RequestParameter after = query.get("after");
    int limit = limitParam == null || limitParam.isNull() ? 100 : limitParam.getInteger();
    store
        .history(
            ctx.pathParam("sku"),
            limit,
            after == null || after.isNull() ? Long.MAX_VALUE : after.getLong())
        .onSuccess(list -> Responses.ok(ctx, page(list, limit)))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  /** A full page names its last entry as the next page's start; a shorter one is the last. */
  private static JsonObject page(List<Restock> list, int limit) {
    return new JsonObject()
        .put("restocks", new JsonArray(list.stream().map(Restock::toJson).toList()))
        .put("next", list.size() == limit ? list.get(list.size() - 1).id() : null);
  }

  private static UUID stockerOf(RoutingContext ctx) {
    return Caller.personId(ctx)
        .orElseThrow(
            () ->
                Problem.typed(
                    422,
                    "stocker-not-a-person",
                    "Stocker is not a person",
                    "Restocks are recorded against a person: the token's sub must be a user id"));
  }

  /** Every refusal of a restock, as the contract answers it. */
  static Throwable problem(Throwable failure) {
    if (!(failure instanceof RestockRefusal refusal)) {
      return failure;
    }
    return switch (refusal.reason()) {
      case UNKNOWN_ITEM -> Problem.refused(refusal, 404);
      case QUANTITY_LIMIT -> Problem.refused(refusal, 409, "quantity-limit", "Quantity limit");
      case KEY_REUSED ->
          Problem.refused(refusal, 422, "idempotency-key-reused", "Idempotency-Key reused");
    };
  }
}
