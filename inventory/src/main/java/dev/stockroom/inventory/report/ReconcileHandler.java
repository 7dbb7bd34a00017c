package dev.stockroom.inventory.report;

import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import dev.stockroom.common.replica.ReplicaReconcilerVerticle;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The admin's "reconcile now": asks the reconciler verticle and answers what it fixed. */
public final class ReconcileHandler {
  public void reconcile(RoutingContext ctx) {
    ctx.vertx()
        .eventBus()
        .<JsonObject>request(
            ReplicaReconcilerVerticle.ADDRESS,
            new JsonObject(),
            new DeliveryOptions().setSendTimeout(120_000))
        .onSuccess(reply -> Responses.ok(ctx, reply.body()))
        .onFailure(
            e -> ctx.fail(Problem.of(503, "Reconciliation could not run: " + e.getMessage())));
  }
}
