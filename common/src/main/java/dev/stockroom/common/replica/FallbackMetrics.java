package dev.stockroom.common.replica;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Fallback calls to the owner by outcome: success, failure, open (breaker), rejected (bulkhead).
 */
final class FallbackMetrics {
  private final MeterRegistry registry;

  FallbackMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void outcome(String outcome) {
    Counter.builder("replica_fallback_calls_total")
        .description("Reads that asked the owner for copies not fresh enough, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}
