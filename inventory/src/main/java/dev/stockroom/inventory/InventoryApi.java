package dev.stockroom.inventory;

import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.inventory.items.ItemHandlers;
import dev.stockroom.inventory.items.ItemStore;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** The route table: each OpenAPI operation of openapi/inventory.yaml and its handler. */
final class InventoryApi {
  private final ItemHandlers items;

  InventoryApi(ServiceContext ctx) {
    this.items = new ItemHandlers(new ItemStore(ctx.pool()));
  }

  Map<String, Handler<RoutingContext>> routes() {
    return Map.of(
        "createItem", items::create,
        "getItem", items::get);
  }
}
