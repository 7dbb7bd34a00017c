package dev.stockroom.orders.placing;

import dev.stockroom.common.batch.OnThisContext;
import dev.stockroom.common.http.Caller;
import dev.stockroom.common.http.HttpApi;
import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import dev.stockroom.common.replica.ConsistencyRequest;
import dev.stockroom.common.replica.ConsistencyToken;
import dev.stockroom.orders.saga.SagaEngine;
import dev.stockroom.orders.saga.SagaOutcomes;
import dev.stockroom.orders.saga.SagaSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.RequestParameter;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Placing orders (idempotently) and reading them; customers see only their own. */
public final class OrderHandlers {
  private static final Logger log = LoggerFactory.getLogger(OrderHandlers.class);

  private final OrderStore store;
  private final SagaEngine engine;
  private final SagaOutcomes outcomes;
  private final SagaSettings settings;

  public OrderHandlers(
      OrderStore store, SagaEngine engine, SagaOutcomes outcomes, SagaSettings settings) {
    this.store = store;
    this.engine = engine;
    this.outcomes = outcomes;
    this.settings = settings;
  }

  public void place(RoutingContext ctx) {
    OrderRequest request = OrderRequest.from(ctx.body().asJsonObject());
    Caller.requireSelfOr(ctx, request.customerId().toString(), "admin");
    String key = HttpApi.validated(ctx).getHeaders().get("Idempotency-Key").getString();
    // Read your own writes: the customer is snapshotted at or past the caller's token.
    Optional<Instant> consistentWith =
        ConsistencyRequest.from(ctx.request().getHeader(ConsistencyToken.HEADER), null, null)
            .map(c -> c.token().at());
    long waitUntil = System.nanoTime() + settings.answerWait().toNanos();
    store
        .place(request, Caller.subject(ctx), key, consistentWith)
        .compose(
            placed -> driveAndAwait(ctx, placed, waitUntil).recover(e -> answerRecorded(placed, e)))
        .onSuccess(
            order -> {
              ctx.response().putHeader("Location", "/orders/" + order.id());
              Responses.json(ctx, order.finished() ? 201 : 202, order.toJson());
            })
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  /**
   * Drives the saga here (a new order at once, one found again by its key once claimed), then, if
   * it is still undecided (parked for a retry, or leased elsewhere), waits until {@code waitUntil}
   * for the outcome, decided by this process's worker or not at all.
   */
  private Future<StoredOrder> driveAndAwait(
      RoutingContext ctx, OrderStore.Placed placed, long waitUntil) {
    UUID id = placed.id();
    Future<Void> decided = outcomes.await(id, millisUntil(waitUntil));
    Future<Void> run = placed.leased().map(engine::run).orElseGet(() -> engine.drive(id));
    // Not run.timeout(): the saga's future has no context, and its timeout would go on to read
    // the order (a group commit confined to this event loop) from Netty's global thread.
    return OnThisContext.within(ctx.vertx(), run, millisUntil(waitUntil))
        .transform(
            driven -> {
              if (driven.failed()) {
                log.debug("order {}: saga not decided in this request: {}", id, driven.cause());
              }
              return find(id);
            })
        .compose(
            order ->
                order.finished() || millisUntil(waitUntil) <= 0
                    ? Future.succeededFuture(order)
                    : decided.compose(v -> find(id)));
  }

  /**
   * The order is recorded and its saga goes on without this request (the worker resumes it), so the
   * answer is 202 with the order as recorded, even when reading it back failed (a full pool under
   * overload): a 503 would tell the client nothing happened while the order goes through.
   */
  private static Future<StoredOrder> answerRecorded(OrderStore.Placed placed, Throwable cause) {
    if (placed.recorded().isEmpty()) {
      return Future.failedFuture(cause);
    }
    log.debug("order {}: recorded; answering 202 without reading it back: {}", placed.id(), cause);
    return Future.succeededFuture(placed.recorded().get());
  }

  private Future<StoredOrder> find(UUID id) {
    return store.findBatched(id).map(o -> o.orElseThrow(() -> Problem.notFound("Order " + id)));
  }

  private static long millisUntil(long nanoTime) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanoTime - System.nanoTime()));
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
      UUID self =
          Caller.personId(ctx)
              .orElseThrow(
                  () ->
                      Problem.of(
                          403,
                          "Only admins or customers may list orders: this token's sub is not a"
                              + " person's id"));
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
        .onSuccess(
            page ->
                Responses.ok(
                    ctx,
                    new JsonObject()
                        .put(
                            "orders",
                            new JsonArray(page.orders().stream().map(StoredOrder::toJson).toList()))
                        .put("next", page.next() == null ? null : page.next().toString())))
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

  /** Every refusal of an order request, as the contract answers it. */
  static Throwable problem(Throwable failure) {
    if (!(failure instanceof OrderRefusal refusal)) {
      return failure;
    }
    return switch (refusal.reason()) {
      case IDEMPOTENCY_KEY_REUSED ->
          Problem.refused(refusal, 422, "idempotency-key-reused", "Idempotency-Key reused");
    };
  }
}
