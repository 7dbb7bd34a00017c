package dev.stockroom.orders.saga;

import dev.stockroom.common.outbox.OutboxEvent;
import dev.stockroom.orders.OrdersService;
import io.vertx.core.json.JsonObject;

/** The events on orders.v1: an order confirmed or rejected. */
final class OrderEvents {
  private OrderEvents() {}

  static OutboxEvent finished(SagaOrder order, String status, JsonObject rejection) {
    JsonObject data =
        new JsonObject()
            .put("id", order.id().toString())
            .put("customerId", order.customerId().toString())
            .put("status", status)
            .put("lines", order.lines())
            .put("totalCents", order.totalCents());
    if (rejection != null) {
      data.put("rejection", rejection);
    }
    String type =
        "CONFIRMED".equals(status) ? "stockroom.order.confirmed" : "stockroom.order.rejected";
    return new OutboxEvent(OrdersService.TOPIC, order.id().toString(), type, data);
  }
}
