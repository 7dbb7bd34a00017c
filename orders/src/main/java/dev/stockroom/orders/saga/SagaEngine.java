package dev.stockroom.orders.saga;

import dev.stockroom.common.auth.ServiceTokens;
import dev.stockroom.common.replica.Replica;
import dev.stockroom.common.service.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.UUID;

/**
 * Drives sagas: claims one (its lease keeps other instances off), runs its steps until it finishes
 * or parks to retry later. One per verticle instance, used on its event loop.
 */
public final class SagaEngine {
  private final SagaStore store;
  private final Saga saga;

  public SagaEngine(
      ServiceContext ctx,
      SagaSettings settings,
      Replica customers,
      ServiceTokens tokens,
      SagaOutcomes outcomes,
      String owner) {
    SagaMetrics metrics = new SagaMetrics(ctx.metrics().registry());
    this.store =
        new SagaStore(
            ctx.pool(),
            owner,
            settings.lease(),
            metrics.batchSizes("advance"),
            metrics.batchSizes("finish"));
    WebClient client =
        WebClient.create(
            ctx.vertx(),
            new WebClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(64));
    Participants participants =
        new Participants(
            client,
            ctx.downstreams(),
            settings.inventoryUrl(),
            settings.usersUrl(),
            tokens,
            settings.callTimeout(),
            settings.commitmentTtl(),
            metrics);
    this.saga =
        new Saga(
            store,
            participants,
            new CustomerStep(customers, settings.customerBudget(), metrics.batchSizes("customer")),
            metrics,
            outcomes,
            ctx.tracing().tracer());
  }

  /** Runs the saga of this order now if it is due and not leased elsewhere. */
  public Future<Void> drive(UUID orderId) {
    return store
        .claim(orderId)
        .compose(claimed -> claimed.map(this::run).orElse(Future.succeededFuture()));
  }

  /** Claims up to {@code max} due sagas and runs them; answers how many were claimed. */
  public Future<Integer> driveDue(int max) {
    return store
        .claimDue(max)
        .compose(
            orders -> {
              List<Future<Void>> runs = orders.stream().map(this::run).toList();
              return Future.join(runs).map(orders.size()).otherwise(orders.size());
            });
  }

  /** Runs a saga this instance already leases (the insert of a new order takes the lease). */
  public Future<Void> run(SagaOrder order) {
    return saga.step(order).compose(next -> next.map(this::run).orElse(Future.succeededFuture()));
  }
}
