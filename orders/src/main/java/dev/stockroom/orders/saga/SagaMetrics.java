package dev.stockroom.orders.saga;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;

/** Sagas by outcome and reason, their duration, compensations and retries. */
public final class SagaMetrics {
  private final MeterRegistry registry;
  private final Timer duration;

  SagaMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.duration =
        Timer.builder("orders_saga_duration")
            .description("From the order being placed to CONFIRMED or REJECTED")
            .publishPercentileHistogram()
            .register(registry);
  }

  void finished(SagaOrder order, String status, String reason) {
    Counter.builder("orders_sagas_total")
        .description("Sagas finished, by final status and rejection reason")
        .tag("status", status)
        .tag("reason", reason == null ? "none" : reason)
        .register(registry)
        .increment();
    duration.record(Duration.between(order.createdAt(), Instant.now()));
  }

  void compensation(Rejection reason) {
    Counter.builder("orders_saga_compensations_total")
        .description("Sagas that gave back what they had taken, by reason")
        .tag("reason", reason.code())
        .register(registry)
        .increment();
  }

  /**
   * How many orders each batch carried (the group commit's effect): {@code call} is a participant's
   * step (reserve, hold, confirm, capture) or the saga's own work (customer, advance, finish).
   */
  DistributionSummary batchSizes(String call) {
    return batchSizes(registry, call);
  }

  /**
   * As {@link #batchSizes(String)}, for the placing requests' batched inserts ({@code place}) and
   * reads ({@code read}).
   */
  public static DistributionSummary batchSizes(MeterRegistry registry, String call) {
    return DistributionSummary.builder("orders_saga_batch_size")
        .description("Orders carried by one batched call, write or read")
        .tag("call", call)
        // A batch carries at most a few hundred orders: the histogram's buckets stop there (276
        // buckets a series, up to 4.2e18, before).
        .minimumExpectedValue(1.0)
        .maximumExpectedValue(1024.0)
        .register(registry);
  }

  void retry(Step step) {
    Counter.builder("orders_saga_retries_total")
        .description("Saga steps tried again after an unanswered or failed participant call")
        .tag("step", step.name())
        .register(registry)
        .increment();
  }
}
