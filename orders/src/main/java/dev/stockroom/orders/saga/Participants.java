package dev.stockroom.orders.saga;

import dev.stockroom.common.batch.GroupCommit;
import dev.stockroom.common.http.Downstreams;
import dev.stockroom.orders.saga.ParticipantCalls.Refusals;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The saga's calls to inventory and users. Every call is idempotent by an id derived from the order
 * and has a timeout; answers are classified as done, refused (compensate) or transient (retry). The
 * four forward steps go through a {@link GroupCommit} each: orders at the same step share one batch
 * call, and each order's result is classified as its own single call's would be.
 */
final class Participants {
  static final String INVENTORY = "inventory";
  static final String USERS = "users";

  /** users' largest credit limit (and hold): no customer can pay a larger total. */
  static final long MAX_CREDIT_CENTS = 100_000_000_000L;

  /** The batch endpoints' limit. */
  static final int MAX_BATCH = 100;

  private static final Refusals RESERVE_REFUSALS =
      Refusals.ending(
          status ->
              switch (status) {
                case 409 -> Rejection.OUT_OF_STOCK;
                case 404 -> Rejection.UNKNOWN_SKU;
                default -> null;
              });
  private static final Refusals HOLD_REFUSALS =
      Refusals.ending(
          status ->
              switch (status) {
                case 422 -> Rejection.INSUFFICIENT_CREDIT;
                case 404 -> Rejection.UNKNOWN_CUSTOMER;
                default -> null;
              });

  /** A 409 or 404 means the reservation was released or expired: its stock was never sold. */
  private static final Refusals CONFIRM_REFUSALS =
      Refusals.ending(
          status -> status == 409 || status == 404 ? Rejection.DEPENDENCY_UNAVAILABLE : null);

  /**
   * A 409 means the hold ended (expired, released); a 404 that the customer was erased. Any other
   * 4xx is retried: a capture that landed cannot be given back.
   */
  private static final Refusals CAPTURE_REFUSALS =
      Refusals.retrying(
          status ->
              switch (status) {
                case 409 -> Rejection.DEPENDENCY_UNAVAILABLE;
                case 404 -> Rejection.UNKNOWN_CUSTOMER;
                default -> null;
              });

  private final ParticipantCalls calls;
  private final String inventoryUrl;
  private final String usersUrl;
  private final int ttlSeconds;
  private final GroupCommit<SagaOrder, Outcome> reservations;
  private final GroupCommit<SagaOrder, Outcome> holds;
  private final GroupCommit<SagaOrder, Outcome> confirmations;
  private final GroupCommit<SagaOrder, Outcome> captures;

  Participants(
      WebClient client,
      Downstreams downstreams,
      String inventoryUrl,
      String usersUrl,
      Supplier<String> token,
      Duration timeout,
      Duration commitmentTtl,
      SagaMetrics metrics) {
    downstreams.declare(INVENTORY, USERS);
    this.calls = new ParticipantCalls(client, downstreams, token, timeout);
    this.inventoryUrl = inventoryUrl;
    this.usersUrl = usersUrl;
    this.ttlSeconds = (int) commitmentTtl.toSeconds();
    this.reservations =
        new GroupCommit<>(MAX_BATCH, this::reserveAll, metrics.batchSizes("reserve"));
    this.holds = new GroupCommit<>(MAX_BATCH, this::holdAll, metrics.batchSizes("hold"));
    this.confirmations =
        new GroupCommit<>(MAX_BATCH, this::confirmAll, metrics.batchSizes("confirm"));
    this.captures = new GroupCommit<>(MAX_BATCH, this::captureAll, metrics.batchSizes("capture"));
  }

  Future<Outcome> reserve(SagaOrder order) {
    return transientIfFailed(reservations.submit(order));
  }

  Future<Outcome> hold(SagaOrder order) {
    if (order.totalCents() > MAX_CREDIT_CENTS) {
      return Future.succeededFuture(
          new Outcome.Refused(
              Rejection.INSUFFICIENT_CREDIT,
              "the total exceeds the largest credit limit users allows ("
                  + MAX_CREDIT_CENTS
                  + ")"));
    }
    return transientIfFailed(holds.submit(order));
  }

  Future<Outcome> confirmReservation(SagaOrder order) {
    return transientIfFailed(confirmations.submit(order));
  }

  Future<Outcome> capture(SagaOrder order) {
    return transientIfFailed(captures.submit(order));
  }

  /** The batch calls answer every failure as transient already; this is the net for a bug. */
  private static Future<Outcome> transientIfFailed(Future<Outcome> outcome) {
    return outcome.otherwise(e -> new Outcome.Transient("batch failed: " + e));
  }

  private Future<List<Outcome>> reserveAll(List<SagaOrder> orders) {
    return calls.batch(
        INVENTORY,
        inventoryUrl + "/batch/reservations",
        "reservations",
        orders.stream().map(o -> (Object) o.reservationRequest(ttlSeconds)).toList(),
        RESERVE_REFUSALS,
        i ->
            calls.single(
                HttpMethod.POST,
                INVENTORY,
                inventoryUrl + "/reservations",
                orders.get(i).reservationRequest(ttlSeconds),
                RESERVE_REFUSALS));
  }

  private Future<List<Outcome>> holdAll(List<SagaOrder> orders) {
    return calls.batch(
        USERS,
        usersUrl + "/batch/credit-holds",
        "holds",
        orders.stream()
            .map(o -> (Object) holdBody(o).put("userId", o.customerId().toString()))
            .toList(),
        HOLD_REFUSALS,
        i ->
            calls.single(
                HttpMethod.POST,
                USERS,
                usersUrl + "/users/" + orders.get(i).customerId() + "/credit-holds",
                holdBody(orders.get(i)),
                HOLD_REFUSALS));
  }

  private JsonObject holdBody(SagaOrder order) {
    return new JsonObject()
        .put("holdId", order.holdId())
        .put("amountCents", order.totalCents())
        .put("ttlSeconds", ttlSeconds);
  }

  private Future<List<Outcome>> confirmAll(List<SagaOrder> orders) {
    return calls.batch(
        INVENTORY,
        inventoryUrl + "/batch/reservations/confirm",
        "reservationIds",
        orders.stream().map(o -> (Object) o.reservationId()).toList(),
        CONFIRM_REFUSALS,
        i ->
            calls.single(
                HttpMethod.POST,
                INVENTORY,
                inventoryUrl + "/reservations/" + orders.get(i).reservationId() + "/confirm",
                null,
                CONFIRM_REFUSALS));
  }

  private Future<List<Outcome>> captureAll(List<SagaOrder> orders) {
    return calls.batch(
        USERS,
        usersUrl + "/batch/credit-holds/capture",
        "holdIds",
        orders.stream().map(o -> (Object) o.holdId()).toList(),
        CAPTURE_REFUSALS,
        i ->
            calls.single(
                HttpMethod.POST,
                USERS,
                usersUrl + "/credit-holds/" + orders.get(i).holdId() + "/capture",
                null,
                CAPTURE_REFUSALS));
  }

  /**
   * Compensation: inventory undoes the reservation whatever became of it (a live one is released,
   * sold stock is put back), then the credit hold is released. Both are idempotent; an id either
   * side never saw (404) has nothing to give back. Rare, so not batched.
   */
  Future<Outcome> giveBack(SagaOrder order) {
    return undo(
            HttpMethod.POST,
            INVENTORY,
            inventoryUrl + "/reservations/" + order.reservationId() + "/return")
        .compose(
            returned ->
                returned instanceof Outcome.Ok
                    ? undo(HttpMethod.DELETE, USERS, usersUrl + "/credit-holds/" + order.holdId())
                    : Future.succeededFuture(returned));
  }

  /** An undo of something the participant does not know (404) has nothing left to do. */
  private Future<Outcome> undo(HttpMethod method, String downstream, String url) {
    return calls
        .single(method, downstream, url, null, Refusals.ending(status -> null))
        .map(
            outcome ->
                outcome instanceof Outcome.Refused r && r.status() == 404
                    ? new Outcome.Ok(new JsonObject())
                    : outcome);
  }
}
