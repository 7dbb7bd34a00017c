package dev.stockroom.orders.placing;

import dev.stockroom.common.http.Caller;
import dev.stockroom.common.http.HttpApi;
import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import dev.stockroom.orders.saga.SagaEngine;
import dev.stockroom.orders.saga.SagaSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.RequestParameter;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Placing orders (idempotently) and reading them; customers see only their own. */
public final class OrderHandlers {
  private final Vertx vertx;
  private final OrderStore store;
  private final SagaEngine engine;
  private final SagaSettings settings;
  private final String instance;

  public OrderHandlers(
      Vertx vertx, OrderStore store, SagaEngine engine, SagaSettings settings, String instance) {
    this.vertx = vertx;
    this.store = store;
    this.engine = engine;
    this.settings = settings;
    this.instance = instance;
  }

  public void place(RoutingContext ctx) {
    OrderRequest request = OrderRequest.from(ctx.body().asJsonObject());
    Caller.requireSelfOr(ctx, request.customerId().toString(), "admin");
    String key = HttpApi.validated(ctx).getHeaders().get("Idempotency-Key").getString();
    long waitUntil = System.nanoTime() + settings.answerWait().toNanos();
    store
        .place(request, Caller.subject(ctx), key, settings.deadline(), instance, settings.lease())
        .compose(id -> drive(id).transform(ignored -> awaitFinished(id, waitUntil)))
        .onSuccess(
            order -> {
              ctx.response().putHeader("Location", "/orders/" + order.id());
              Responses.json(ctx, order.finished() ? 201 : 202, order.toJson());
            })
        .onFailure(ctx::fail);
  }

  /** Drives the saga, but never makes the caller wait longer than the configured wait. */
  private Future<Void> drive(UUID id) {
    return engine.drive(id).timeout(settings.answerWait().toMillis(), TimeUnit.MILLISECONDS);
  }

  private Future<StoredOrder> awaitFinished(UUID id, long waitUntil) {
    return store
        .find(id)
        .map(o -> o.orElseThrow(() -> Problem.notFound("Order " + id)))
        .compose(
            order -> {
              if (order.finished() || System.nanoTime() >= waitUntil) {
                return Future.succeededFuture(order);
              }
              Promise<StoredOrder> later = Promise.promise();
              vertx.setTimer(50, t -> awaitFinished(id, waitUntil).onComplete(later));
              return later.future();
            });
  }

  public void get(RoutingContext ctx) {
    UUID id = UUID.fromString(ctx.pathParam("id"));
    store
        .find(id)
        .map(
            order ->
                order
                    .filter(o -> visibleTo(ctx, o))
                    .orElseThrow(() -> Problem.notFound("Order " + id)))
        .onSuccess(order -> Responses.ok(ctx, order.toJson()))
        .onFailure(ctx::fail);
  }

  public void list(RoutingContext ctx) {
    Map<String, RequestParameter> query = HttpApi.validated(ctx).getQuery();
    UUID customer = uuid(query.get("customerId"));
    if (!Caller.roles(ctx).contains("admin")) {
      UUID self = UUID.fromString(Caller.subject(ctx));
      if (customer != null && !customer.equals(self)) {
        throw Problem.of(403, "Customers can list only their own orders");
      }
      customer = self;
    }
    RequestParameter limit = query.get("limit");
    store
        .page(
            customer,
            uuid(query.get("after")),
            limit == null || limit.isNull() ? 50 : limit.getInteger())
        .onSuccess(page -> Responses.ok(ctx, page))
        .onFailure(ctx::fail);
  }

  /** Hides other customers' orders as "not found": their existence is not the caller's business. */
  private static boolean visibleTo(RoutingContext ctx, StoredOrder order) {
    return Caller.roles(ctx).contains("admin")
        || order.customerId().toString().equalsIgnoreCase(Caller.subject(ctx));
  }

  private static UUID uuid(RequestParameter p) {
    return p == null || p.isNull() ? null : UUID.fromString(p.getString());
  }
}
