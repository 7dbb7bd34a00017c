package dev.stockroom.orders.saga;

import dev.stockroom.common.http.Downstreams;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The saga's calls to inventory and users. Every call is idempotent by an id derived from the order
 * and has a timeout; answers are classified as done, refused (compensate) or transient (retry).
 */
final class Participants {
  static final String INVENTORY = "inventory";
  static final String USERS = "users";

  /** users' largest credit limit (and hold): no customer can pay a larger total. */
  static final long MAX_CREDIT_CENTS = 100_000_000_000L;

  private final WebClient client;
  private final Downstreams downstreams;
  private final String inventoryUrl;
  private final String usersUrl;
  private final Supplier<String> token;
  private final Duration timeout;
  private final int ttlSeconds;

  Participants(
      WebClient client,
      Downstreams downstreams,
      String inventoryUrl,
      String usersUrl,
      Supplier<String> token,
      Duration timeout,
      Duration commitmentTtl) {
    this.client = client;
    this.downstreams = downstreams;
    downstreams.declare(INVENTORY, USERS);
    this.inventoryUrl = inventoryUrl;
    this.usersUrl = usersUrl;
    this.token = token;
    this.timeout = timeout;
    this.ttlSeconds = (int) commitmentTtl.toSeconds();
  }

  Future<Outcome> reserve(SagaOrder order) {
    return call(
        HttpMethod.POST,
        INVENTORY,
        inventoryUrl + "/reservations",
        order.reservationRequest(ttlSeconds),
        status ->
            switch (status) {
              case 409 -> Rejection.OUT_OF_STOCK;
              case 404 -> Rejection.UNKNOWN_SKU;
              default -> null;
            });
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
    JsonObject body =
        new JsonObject()
            .put("holdId", order.holdId())
            .put("amountCents", order.totalCents())
            .put("ttlSeconds", ttlSeconds);
    return call(
        HttpMethod.POST,
        USERS,
        usersUrl + "/users/" + order.customerId() + "/credit-holds",
        body,
        status ->
            switch (status) {
              case 422 -> Rejection.INSUFFICIENT_CREDIT;
              case 404 -> Rejection.UNKNOWN_CUSTOMER;
              default -> null;
            });
  }

  /** A 409 or 404 means the reservation was released or expired: its stock was never sold. */
  Future<Outcome> confirmReservation(SagaOrder order) {
    return call(
        HttpMethod.POST,
        INVENTORY,
        inventoryUrl + "/reservations/" + order.reservationId() + "/confirm",
        null,
        status -> status == 409 || status == 404 ? Rejection.DEPENDENCY_UNAVAILABLE : null);
  }

  /** A 409 means the hold ended (expired, released); a 404 that the customer was erased. */
  Future<Outcome> capture(SagaOrder order) {
    return call(
        HttpMethod.POST,
        USERS,
        usersUrl + "/credit-holds/" + order.holdId() + "/capture",
        null,
        status ->
            switch (status) {
              case 409 -> Rejection.DEPENDENCY_UNAVAILABLE;
              case 404 -> Rejection.UNKNOWN_CUSTOMER;
              default -> null;
            });
  }

  /**
   * Compensation: inventory undoes the reservation whatever became of it (a live one is released,
   * sold stock is put back), then the credit hold is released. Both are idempotent; an id either
   * side never saw (404) has nothing to give back.
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
    return call(method, downstream, url, null, status -> null)
        .map(
            outcome ->
                outcome instanceof Outcome.Refused r && r.status() == 404
                    ? new Outcome.Ok(new JsonObject())
                    : outcome);
  }

  /**
   * One call through the downstream's circuit breaker (shared by the process). Transport failures,
   * timeouts and 5xx count towards opening it; an open breaker, like they, is transient for the
   * saga. Answers below 500 are the participant's word and are classified, not counted.
   */
  private Future<Outcome> call(
      HttpMethod method,
      String downstream,
      String url,
      JsonObject body,
      Function<Integer, Rejection> refusals) {
    return downstreams
        .call(downstream, () -> send(method, url, body))
        .map(r -> classify(r, refusals))
        .otherwise(e -> new Outcome.Transient(method + " " + url + ": " + e.getMessage()));
  }

  private Future<HttpResponse<Buffer>> send(HttpMethod method, String url, JsonObject body) {
    var request =
        client
            .requestAbs(method, url)
            .bearerTokenAuthentication(token.get())
            .timeout(timeout.toMillis());
    Future<HttpResponse<Buffer>> response =
        body == null ? request.send() : request.sendJsonObject(body);
    return response.compose(
        r ->
            r.statusCode() >= 500
                ? Future.failedFuture(r.statusCode() + ": " + detail(r))
                : Future.succeededFuture(r));
  }

  private static Outcome classify(
      HttpResponse<Buffer> response, Function<Integer, Rejection> refusals) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      JsonObject body =
          response.body() == null || response.body().length() == 0
              ? new JsonObject()
              : response.bodyAsJsonObject();
      return new Outcome.Ok(body);
    }
    Rejection refusal = status >= 400 && status < 500 ? refusals.apply(status) : null;
    String detail = detail(response);
    if (refusal != null) {
      return new Outcome.Refused(refusal, detail, status);
    }
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      // A 4xx nobody expects is a bug on one side; retrying will not fix it.
      return new Outcome.Refused(
          Rejection.DEPENDENCY_UNAVAILABLE, "unexpected " + status + ": " + detail, status);
    }
    return new Outcome.Transient(status + ": " + detail);
  }

  private static String detail(HttpResponse<Buffer> response) {
    try {
      return response.bodyAsJsonObject().getString("detail", response.statusMessage());
    } catch (RuntimeException e) {
      return response.statusMessage();
    }
  }
}
