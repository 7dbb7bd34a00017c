package dev.stockroom.orders;

import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.orders.placing.OrderHandlers;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** The route table: each OpenAPI operation of openapi/orders.yaml and its handler. */
final class OrdersApi {
  private final OrderHandlers orders;

  OrdersApi(ServiceContext ctx, OrderHandlers orders) {
    this.orders = orders;
  }

  Map<String, Handler<RoutingContext>> routes() {
    return Map.of(
        "placeOrder", orders::place,
        "getOrder", orders::get,
        "listOrders", orders::list);
  }
}
