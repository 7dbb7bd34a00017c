package dev.stockroom.common.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One circuit breaker per downstream service per process, shared by every verticle instance that
 * calls it (the replica's owner fallback, the saga), so they open and close together and one gauge
 * tells their state. A breaker has no timeout of its own: each call's HTTP timeout is the only one,
 * so a call holds its bulkhead slot exactly as long as it runs, and a timeout counts as a failure.
 */
public final class Downstreams {
  private static final Logger log = LoggerFactory.getLogger(Downstreams.class);
  private static final int MAX_FAILURES = 5;

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final Duration reset;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  public Downstreams(Vertx vertx, MeterRegistry registry, Duration reset) {
    this.vertx = vertx;
    this.registry = registry;
    this.reset = reset;
  }

  /**
   * Runs {@code call} through the downstream's breaker: fails at once while it is open. The call's
   * failures (transport errors, timeouts, answers it turns into failures) count towards opening.
   */
  public <T> Future<T> call(String downstream, Supplier<Future<T>> call) {
    return breaker(downstream)
        .<T>execute(call)
        .onComplete(
            (v, e) ->
                Counter.builder("downstream_calls_total")
                    .description("Calls to other services by outcome")
                    .tag("downstream", downstream)
                    .tag(
                        "outcome",
                        e == null
                            ? "success"
                            : e instanceof OpenCircuitException ? "open" : "failure")
                    .register(registry)
                    .increment());
  }

  /**
   * Creates the breakers of the services a caller will call, so their state is published (and
   * alertable) from the start, not only after the first call.
   */
  public void declare(String... downstreams) {
    for (String downstream : downstreams) {
      breaker(downstream);
    }
  }

  CircuitBreaker breaker(String downstream) {
    return breakers.computeIfAbsent(downstream, this::create);
  }

  private CircuitBreaker create(String downstream) {
    CircuitBreaker breaker =
        CircuitBreaker.create(
                downstream,
                vertx,
                new CircuitBreakerOptions()
                    .setMaxFailures(MAX_FAILURES)
                    .setTimeout(-1)
                    .setResetTimeout(reset.toMillis()))
            .openHandler(
                v ->
                    log.warn(
                        "circuit to {} is open after {} failures: calls fail at once for {}",
                        downstream,
                        MAX_FAILURES,
                        reset))
            .closeHandler(v -> log.info("circuit to {} is closed again", downstream));
    Gauge.builder("circuit_breaker_state", breaker, b -> stateValue(b.state()))
        .description("Circuit breaker per downstream: 0 closed, 1 half-open, 2 open")
        .tag("downstream", downstream)
        .register(registry);
    return breaker;
  }

  private static int stateValue(CircuitBreakerState state) {
    return switch (state) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }
}
