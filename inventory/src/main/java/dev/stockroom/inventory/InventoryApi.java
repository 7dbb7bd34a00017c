package dev.stockroom.inventory;

import dev.stockroom.common.config.PlatformLayer;
import dev.stockroom.common.replica.DeadLetterAdmin;
import dev.stockroom.common.replica.Replica;
import dev.stockroom.common.replica.ReplicaRebuild;
import dev.stockroom.common.replica.ReplicaStatus;
import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.inventory.items.ItemHandlers;
import dev.stockroom.inventory.items.ItemStore;
import dev.stockroom.inventory.report.LowStockHandlers;
import dev.stockroom.inventory.report.ReconcileHandler;
import dev.stockroom.inventory.reservations.ReservationHandlers;
import dev.stockroom.inventory.restocks.RestockHandlers;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;

/** The route table: each OpenAPI operation of openapi/inventory.yaml and its handler. */
final class InventoryApi {
  private final ItemHandlers items;
  private final RestockHandlers restocks;
  private final LowStockHandlers report;
  private final ReservationHandlers reservations;
  private final ReconcileHandler reconcile = new ReconcileHandler();
  private final ReplicaStatus replica;
  private final DeadLetterAdmin deadLetters;

  /** Built once per HTTP verticle instance, on its event loop. */
  private final ReplicaRebuild rebuild;

  InventoryApi(
      ServiceContext ctx,
      Replica users,
      Duration replicaTtl,
      DeadLetterAdmin deadLetters,
      ReplicaRebuild rebuild) {
    this.items = new ItemHandlers(new ItemStore(ctx.pool()));
    this.restocks = new RestockHandlers(ctx.pool(), users, replicaTtl);
    this.report =
        new LowStockHandlers(
            ctx.pool(),
            users,
            replicaTtl,
            !ctx.config().layersOff().contains(PlatformLayer.FRESHNESS));
    this.reservations = new ReservationHandlers(ctx);
    this.rebuild = rebuild;
    this.replica = new ReplicaStatus(ctx.pool(), InventoryService.USERS, rebuild);
    this.deadLetters = deadLetters;
  }

  Map<String, Handler<RoutingContext>> routes() {
    return Map.ofEntries(
        Map.entry("createItem", items::create),
        Map.entry("getItem", items::get),
        Map.entry("patchItem", items::patch),
        Map.entry("restock", restocks::restock),
        Map.entry("listRestocks", restocks::list),
        Map.entry("lowStock", report::lowStock),
        Map.entry("reserve", reservations::reserve),
        Map.entry("getReservation", reservations::get),
        Map.entry("confirmReservation", reservations::confirm),
        Map.entry("reserveBatch", reservations::reserveBatch),
        Map.entry("confirmReservationBatch", reservations::confirmBatch),
        Map.entry("releaseReservation", reservations::release),
        Map.entry("returnReservation", reservations::giveBack),
        Map.entry("reconcileReplica", reconcile::reconcile),
        Map.entry("getReplicaStatus", replica::handle),
        Map.entry("listDeadLetters", deadLetters::list),
        Map.entry("replayDeadLetters", deadLetters::replay),
        Map.entry("rebuildReplica", rebuild::start));
  }
}
