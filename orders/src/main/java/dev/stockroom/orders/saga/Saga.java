package dev.stockroom.orders.saga;

import dev.stockroom.common.outbox.OutboxEvent;
import dev.stockroom.common.tracing.TraceContexts;
import dev.stockroom.orders.saga.SagaTransitions.Decision;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step of an order saga: call the participant the step needs, let {@link SagaTransitions}
 * decide, then persist where the saga goes next. The answer is the order after the step, or empty
 * when the saga is parked (waiting to retry) or finished.
 */
final class Saga {
  private static final Logger log = LoggerFactory.getLogger(Saga.class);

  private final SagaStore store;
  private final Participants participants;
  private final CustomerStep customers;
  private final SagaMetrics metrics;
  private final SagaOutcomes outcomes;
  private final Tracer tracer;

  Saga(
      SagaStore store,
      Participants participants,
      CustomerStep customers,
      SagaMetrics metrics,
      SagaOutcomes outcomes,
      Tracer tracer) {
    this.store = store;
    this.participants = participants;
    this.customers = customers;
    this.metrics = metrics;
    this.outcomes = outcomes;
    this.tracer = tracer;
  }

  Future<Optional<SagaOrder>> step(SagaOrder order) {
    if (order.step() == Step.DONE) {
      return Future.succeededFuture(Optional.empty());
    }
    Span span = stepSpan(order);
    // The participant's call under the step's span (its client span a child of it), on a step of
    // the worker's as on one run inside the request that placed the order.
    return TraceContexts.within(TraceContexts.currentContext().with(span), () -> call(order))
        .compose(
            outcome -> {
              span.setAttribute("stockroom.saga.outcome", outcome.getClass().getSimpleName());
              return apply(
                  order,
                  outcome,
                  SagaTransitions.next(order.step(), outcome, order.pastDeadline()));
            })
        .onComplete(
            (next, failure) -> {
              if (failure != null) {
                span.setStatus(StatusCode.ERROR, failure.toString());
              }
              span.end();
            });
  }

  /**
   * A span per step: inside the request that placed the order (run inline) a child of it; run later
   * by the worker, a trace of its own linked to that request's.
   */
  private Span stepSpan(SagaOrder order) {
    SpanBuilder builder =
        tracer
            .spanBuilder("saga " + order.step())
            .setAttribute("stockroom.order.id", order.id().toString())
            .setAttribute("stockroom.saga.step", order.step().name())
            .setAttribute("stockroom.saga.attempts", (long) order.attempts());
    if (!Span.fromContext(TraceContexts.currentContext()).getSpanContext().isValid()) {
      builder.setNoParent();
      SpanContext placed = TraceContexts.linkTo(order.traceContext());
      if (placed.isValid()) {
        builder.addLink(placed);
      }
    }
    return builder.startSpan();
  }

  /** The step's one call to a participant (or the customer lookup), as an outcome. */
  private Future<Outcome> call(SagaOrder order) {
    return switch (order.step()) {
      case CUSTOMER -> customers.customer(order);
      case RESERVE -> participants.reserve(order);
      case HOLD -> participants.hold(order);
      case CONFIRM -> participants.confirmReservation(order);
      case CAPTURE -> participants.capture(order);
      case COMPENSATE -> participants.giveBack(order);
      case DONE -> throw new IllegalStateException("order " + order.id() + " is done");
    };
  }

  private Future<Optional<SagaOrder>> apply(SagaOrder order, Outcome outcome, Decision decision) {
    if (decision instanceof Decision.Advance advance) {
      return advance(order, ((Outcome.Ok) outcome).body(), advance.next());
    }
    if (decision instanceof Decision.Retry retry) {
      if (order.step() == Step.COMPENSATE && outcome instanceof Outcome.Refused) {
        log.error("order {}: a participant refuses to give back: {}", order.id(), retry.detail());
      }
      return retry(order, retry.detail());
    }
    if (decision instanceof Decision.Reject reject) {
      String detail = afterThePivot(order.step()) + reject.detail();
      return reject.compensate()
          ? startCompensation(order, reject.reason(), detail)
          : finish(order, "REJECTED", rejection(reject.reason(), detail));
    }
    if (decision instanceof Decision.Confirm) {
      return finish(order, "CONFIRMED", null);
    }
    return store.compensated(order).map(Optional.<SagaOrder>empty());
  }

  private static String afterThePivot(Step step) {
    return switch (step) {
      case CONFIRM -> "the reservation could not be confirmed: ";
      case CAPTURE -> "the credit could not be captured, the stock is given back: ";
      default -> "";
    };
  }

  /** Persists the next step with what this one learnt (the customer, the reserved lines). */
  private Future<Optional<SagaOrder>> advance(SagaOrder order, JsonObject body, Step next) {
    if (order.step() == Step.CUSTOMER) {
      return store.advance(new SagaStore.Advance(order, next, body, null, null));
    }
    if (order.step() != Step.RESERVE) {
      return store.advance(new SagaStore.Advance(order, next, null, null, null));
    }
    JsonArray lines = new JsonArray();
    long total = 0;
    for (Object l : body.getJsonArray("lines")) {
      JsonObject line = (JsonObject) l;
      lines.add(
          new JsonObject()
              .put("sku", line.getString("sku"))
              .put("name", line.getString("name"))
              .put("unitPriceCents", line.getLong("unitPriceCents"))
              .put("quantity", line.getInteger("quantity")));
      total += line.getLong("unitPriceCents") * line.getInteger("quantity");
    }
    return store.advance(new SagaStore.Advance(order, next, null, lines, total));
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
