package dev.stockroom.orders.placing;

import dev.stockroom.common.http.Caller;
import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** HTTP handlers for reading orders. */
public final class OrderHandlers {
  private final OrderStore store;

  public OrderHandlers(OrderStore store) {
    this.store = store;
  }

  public void get(RoutingContext ctx) {
    UUID id = UUID.fromString(ctx.pathParam("id"));
    store
        .find(id)
        .map(order -> order.orElseThrow(() -> Problem.notFound("Order " + id)))
        .map(
            order -> {
              // A customer sees only their own orders; 404 rather than 403 hides that it exists.
              if (!Caller.roles(ctx).contains("admin")
                  && !order.getString("customerId").equalsIgnoreCase(Caller.subject(ctx))) {
                throw Problem.notFound("Order " + id);
              }
              return order;
            })
        .onSuccess(order -> Responses.ok(ctx, order))
        .onFailure(ctx::fail);
  }
}
