package dev.stockroom.inventory.items;

import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** HTTP handlers for the item catalogue. */
public final class ItemHandlers {
  private final ItemStore store;

  public ItemHandlers(ItemStore store) {
    this.store = store;
  }

  public void create(RoutingContext ctx) {
    store
        .create(newItem(ctx.body().asJsonObject()))
        .onSuccess(item -> Responses.created(ctx, "/items/" + item.sku(), item.toJson()))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void get(RoutingContext ctx) {
    String sku = ctx.pathParam("sku");
    store
        .find(sku)
        .map(item -> item.orElseThrow(() -> ItemRefusal.unknown(sku)))
        .onSuccess(item -> Responses.ok(ctx, item.toJson()))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void patch(RoutingContext ctx) {
    String sku = ctx.pathParam("sku");
    List<String> ifMatch = ctx.request().headers().getAll("If-Match");
    ifMatch(sku, ifMatch.isEmpty() ? null : String.join(",", ifMatch))
        .compose(
            ok ->
                store.update(
                    sku,
                    ctx.body().asJsonObject().getString("name"),
                    ctx.body().asJsonObject().getLong("priceCents")))
        .onSuccess(item -> Responses.ok(ctx, item.toJson()))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  /**
   * Items carry no entity tag, so a client's If-Match (RFC 9110 §13.1.1) can pass only as {@code
   * *}; dropping it would let the lost update it guards against happen silently. An unknown item is
   * a 404 whatever the header says.
   */
  private Future<Void> ifMatch(String sku, String header) {
    if (header == null || header.trim().equals("*")) {
      return Future.succeededFuture();
    }
    return store
        .find(sku)
        .map(
            item -> {
              item.orElseThrow(() -> ItemRefusal.unknown(sku));
              throw Problem.of(
                  412, "Items carry no entity tag to compare: If-Match on an item can only be *");
            });
  }

  /** The contract has checked the body; absent optional members take their defaults. */
  private static ItemStore.NewItem newItem(JsonObject body) {
    return new ItemStore.NewItem(
        body.getString("sku"),
        body.getString("name"),
        body.getLong("priceCents"),
        body.getInteger("quantity", 0),
        body.getInteger("lowStockThreshold", 5));
  }

  /** Every refusal of the catalogue, as the contract answers it. */
  static Throwable problem(Throwable failure) {
    if (!(failure instanceof ItemRefusal refusal)) {
      return failure;
    }
    return switch (refusal.reason()) {
      case UNKNOWN_ITEM -> Problem.refused(refusal, 404);
      case DUPLICATE_SKU -> Problem.refused(refusal, 409, "duplicate-sku", "Duplicate SKU");
    };
  }
}
