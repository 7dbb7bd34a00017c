package dev.stockroom.orders.saga;

import dev.stockroom.common.outbox.OutboxEvent;
import dev.stockroom.common.replica.Freshness;
import dev.stockroom.common.replica.Replica;
import dev.stockroom.common.replica.ReplicaEntry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step of an order saga: call the participant the step needs, then persist where the saga goes
 * next. The answer is the order after the step, or empty when the saga is parked (waiting to retry)
 * or finished.
 */
final class Saga {
  private static final Logger log = LoggerFactory.getLogger(Saga.class);

  private final SagaStore store;
  private final Participants participants;
  private final Replica customers;
  private final Duration customerBudget;
  private final SagaMetrics metrics;
  private final SagaOutcomes outcomes;

  Saga(
      SagaStore store,
      Participants participants,
      Replica customers,
      Duration customerBudget,
      SagaMetrics metrics,
      SagaOutcomes outcomes) {
    this.store = store;
    this.participants = participants;
    this.customers = customers;
    this.customerBudget = customerBudget;
    this.metrics = metrics;
    this.outcomes = outcomes;
  }

  Future<Optional<SagaOrder>> step(SagaOrder order) {
    return switch (order.step()) {
      case CUSTOMER -> snapshotCustomer(order);
      case RESERVE -> participants.reserve(order).compose(o -> afterReserve(order, o));
      case HOLD -> participants.hold(order).compose(o -> then(order, o, Step.CONFIRM, true));
      case CONFIRM ->
          participants.confirmReservation(order).compose(o -> then(order, o, Step.CAPTURE, true));
      case CAPTURE -> participants.capture(order).compose(o -> afterCapture(order, o));
      case COMPENSATE -> compensate(order);
      case DONE -> Future.succeededFuture(Optional.empty());
    };
  }

  private Future<Optional<SagaOrder>> snapshotCustomer(SagaOrder order) {
    return customers
        .lookup(List.of(order.customerId()), customerBudget)
        .compose(
            entries -> {
              ReplicaEntry entry = entries.get(order.customerId());
              if (entry.data() == null && entry.freshness().source().equals(Freshness.NONE)) {
                return retry(
                    order, "the customer's data is not known here and users is unreachable");
              }
              if (entry.data() == null) {
                return reject(order, Rejection.UNKNOWN_CUSTOMER, "no such customer");
              }
              return store.advance(order, Step.RESERVE, entry.toJson(), null, null);
            });
  }

  private Future<Optional<SagaOrder>> afterReserve(SagaOrder order, Outcome outcome) {
    if (outcome instanceof Outcome.Ok ok) {
      JsonArray reserved = ok.body().getJsonArray("lines");
      JsonArray lines = new JsonArray();
      long total = 0;
      for (Object l : reserved) {
        JsonObject line = (JsonObject) l;
        lines.add(
            new JsonObject()
                .put("sku", line.getString("sku"))
                .put("name", line.getString("name"))
                .put("unitPriceCents", line.getLong("unitPriceCents"))
                .put("quantity", line.getInteger("quantity")));
        total += line.getLong("unitPriceCents") * line.getInteger("quantity");
      }
      return store.advance(order, Step.HOLD, null, lines, total);
    }
    return then(order, outcome, Step.HOLD, true);
  }

  private Future<Optional<SagaOrder>> afterCapture(SagaOrder order, Outcome outcome) {
    if (outcome instanceof Outcome.Ok) {
      return finish(order, "CONFIRMED", null);
    }
    if (outcome instanceof Outcome.Refused refused) {
      // The stock is already sold; there is nothing to give back, only to report.
      log.error(
          "order {}: credit could not be captured after the stock was sold: {}",
          order.id(),
          refused.detail());
      return finish(
          order,
          "REJECTED",
          rejection(
              Rejection.DEPENDENCY_UNAVAILABLE,
              "credit hold lost after the stock was sold; needs review"));
    }
    // Past the point of no return: keep trying, the hold outlives the saga deadline.
    return retry(order, ((Outcome.Transient) outcome).detail());
  }

  /** The common shape: done goes to {@code next}; refused or past the deadline compensates. */
  private Future<Optional<SagaOrder>> then(
      SagaOrder order, Outcome outcome, Step next, boolean deadlineApplies) {
    if (outcome instanceof Outcome.Ok) {
      return store.advance(order, next, null, null, null);
    }
    if (outcome instanceof Outcome.Refused refused) {
      return startCompensation(order, refused.reason(), refused.detail());
    }
    String detail = ((Outcome.Transient) outcome).detail();
    if (deadlineApplies && order.pastDeadline()) {
      return startCompensation(
          order, Rejection.DEPENDENCY_UNAVAILABLE, "deadline passed: " + detail);
    }
    return retry(order, detail);
  }

  private Future<Optional<SagaOrder>> startCompensation(
      SagaOrder order, Rejection reason, String detail) {
    metrics.compensation(reason);
    JsonObject rejection = rejection(reason, detail);
    return store
        .compensate(order, rejection, OrderEvents.finished(order, "REJECTED", rejection))
        .onSuccess(
            next ->
                next.ifPresent(
                    o -> {
                      metrics.finished(o, "REJECTED", reason.code());
                      outcomes.decided(o.id());
                    }));
  }

  /** Gives back the reservation and the hold (both releases are idempotent), then stops. */
  private Future<Optional<SagaOrder>> compensate(SagaOrder order) {
    return participants
        .releaseReservation(order)
        .compose(
            r ->
                r instanceof Outcome.Transient
                    ? Future.succeededFuture(r)
                    : participants.releaseHold(order))
        .compose(
            outcome ->
                outcome instanceof Outcome.Transient t
                    ? retry(order, "compensation: " + t.detail())
                    : store.compensated(order).map(Optional.<SagaOrder>empty()));
  }

  private Future<Optional<SagaOrder>> reject(SagaOrder order, Rejection reason, String detail) {
    return finish(order, "REJECTED", rejection(reason, detail));
  }

  private Future<Optional<SagaOrder>> finish(SagaOrder order, String status, JsonObject rejection) {
    OutboxEvent event = OrderEvents.finished(order, status, rejection);
    return store
        .finish(order, status, rejection, event)
        .map(
            done -> {
              if (done) {
                metrics.finished(
                    order, status, rejection == null ? null : rejection.getString("reason"));
                outcomes.decided(order.id());
              }
              return Optional.<SagaOrder>empty();
            });
  }

  private Future<Optional<SagaOrder>> retry(SagaOrder order, String detail) {
    Duration delay = Duration.ofMillis(Math.min(5000, 100L << Math.min(order.attempts(), 6)));
    metrics.retry(order.step());
    log.debug("order {} step {} will retry in {}: {}", order.id(), order.step(), delay, detail);
    return store.retryLater(order, delay).map(Optional.empty());
  }

  private static JsonObject rejection(Rejection reason, String detail) {
    return new JsonObject().put("reason", reason.code()).put("detail", detail);
  }
}
