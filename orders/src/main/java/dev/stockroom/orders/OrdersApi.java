package dev.stockroom.orders;

import dev.stockroom.common.outbox.OutboxStatus;
import dev.stockroom.common.replica.DeadLetterAdmin;
import dev.stockroom.common.replica.ReplicaRebuild;
import dev.stockroom.common.replica.ReplicaStatus;
import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.orders.placing.OrderHandlers;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** The route table: each OpenAPI operation of openapi/orders.yaml and its handler. */
final class OrdersApi {
  private final OrderHandlers orders;
  private final OutboxStatus outbox;
  private final ReplicaStatus customers;
  private final DeadLetterAdmin deadLetters;

  private final ReplicaRebuild rebuild;

  OrdersApi(
      ServiceContext ctx,
      OrderHandlers orders,
      DeadLetterAdmin deadLetters,
      ReplicaRebuild rebuild) {
    this.orders = orders;
    this.outbox = new OutboxStatus(ctx.pool());
    this.rebuild = rebuild;
    this.customers = new ReplicaStatus(ctx.pool(), OrdersService.CUSTOMERS, rebuild);
    this.deadLetters = deadLetters;
  }

  Map<String, Handler<RoutingContext>> routes() {
    return Map.of(
        "placeOrder", orders::place,
        "getOrder", orders::get,
        "listOrders", orders::list,
        "getOutboxStatus", outbox::handle,
        "getReplicaStatus", customers::handle,
        "listDeadLetters", deadLetters::list,
        "replayDeadLetters", deadLetters::replay,
        "rebuildReplica", rebuild::start);
  }
}
