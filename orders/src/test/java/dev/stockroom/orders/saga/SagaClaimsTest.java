package dev.stockroom.orders.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.outbox.Outbox;
import dev.stockroom.common.testing.GenericPlans;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestServices;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two copies of one saga on one engine: the first claim's lease ran out while its copy still ran (a
 * slow step, a long group-commit queue), and a client's retry claimed the saga again. Every write
 * is guarded by the lease; by the engine's name alone both copies passed, moved in lockstep when
 * their steps met in one batch, and finished the order with two events.
 */
@DisplayName("Saga claims")
class SagaClaimsTest {
  private static final DistributionSummary SIZES =
      DistributionSummary.builder("test").register(new SimpleMeterRegistry());

  @Test
  @DisplayName(
      "a copy of a saga from an earlier claim by the same engine writes nothing: one copy moves,"
          + " one event is written")
  void anEarlierClaimWritesNothing() {
    String db = GenericPlans.migratedDatabase("saga_claims", "db/migration/orders");
    Flyway.configure()
        .dataSource("jdbc:" + db, null, null)
        .locations("classpath:" + Outbox.MIGRATIONS.location())
        .table(Outbox.MIGRATIONS.historyTable())
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
    UUID id = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    for (UUID order : List.of(id, other)) {
      TestDb.execute(
          db,
          "INSERT INTO orders (id, customer_id, status, shipping_address, placed_by,"
              + " idempotency_key, step, next_attempt_at) VALUES ('"
              + order
              + "', gen_random_uuid(), 'PENDING', '{}', 'test', gen_random_uuid(), 'CAPTURE',"
              + " now() - interval '1 second')");
    }
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(db)).using(vertx).build();
    try {
      SagaStore store = new SagaStore(pool, "engine-1", Duration.ofSeconds(15), SIZES, SIZES);
      SagaOrder first = onLoop(vertx, () -> store.claim(id)).orElseThrow();
      TestDb.execute(db, "UPDATE orders SET lease_until = now() - interval '1 second'");
      SagaOrder second = onLoop(vertx, () -> store.claim(id)).orElseThrow();
      SagaOrder unrelated = onLoop(vertx, () -> store.claim(other)).orElseThrow();

      // Both copies' steps in one batch (the unrelated one goes first, alone; the two wait).
      List<Optional<SagaOrder>> moved =
          onLoop(
              vertx,
              () ->
                  Future.all(
                          store.advance(advance(unrelated)),
                          store.advance(advance(first)),
                          store.advance(advance(second)))
                      .map(all -> List.of(all.<Optional<SagaOrder>>resultAt(1), all.resultAt(2))));
      assertThat(moved.get(0)).as("the earlier claim's copy").isEmpty();
      assertThat(moved.get(1)).as("the current claim's copy").isPresent();

      SagaOrder firstAtConfirm = withStep(first, Step.CONFIRM);
      SagaOrder secondAtConfirm = moved.get(1).orElseThrow();
      onLoop(
          vertx,
          () ->
              Future.all(
                  store.finish(unrelated, "CONFIRMED", null, event(unrelated)),
                  store.finish(firstAtConfirm, "CONFIRMED", null, event(firstAtConfirm)),
                  store.finish(secondAtConfirm, "CONFIRMED", null, event(secondAtConfirm))));
      // One item per order in a finish batch: the earlier claim's copy, first, finished nothing
      // and the current one was left out (before: both went in, and two events were written).
      assertThat(TestDb.count(db, "SELECT count(*) FROM outbox WHERE event_key = '" + id + "'"))
          .as("events of the order")
          .isZero();
      assertThat(TestDb.text(db, "SELECT step FROM orders WHERE id = '" + id + "'"))
          .isEqualTo("CONFIRM");
      // The current claim finishes it (here at once; in a service when it runs the step again).
      assertThat(
              onLoop(
                  vertx,
                  () -> store.finish(secondAtConfirm, "CONFIRMED", null, event(secondAtConfirm))))
          .isTrue();
      assertThat(TestDb.count(db, "SELECT count(*) FROM outbox WHERE event_key = '" + id + "'"))
          .as("events of the order")
          .isEqualTo(1);
      assertThat(
              TestDb.text(db, "SELECT step || ' ' || status FROM orders WHERE id = '" + id + "'"))
          .isEqualTo("DONE CONFIRMED");
    } finally {
      TestServices.await(pool.close(), Duration.ofSeconds(10));
      TestServices.await(vertx.close(), Duration.ofSeconds(10));
    }
  }

  private static SagaStore.Advance advance(SagaOrder order) {
    return new SagaStore.Advance(order, Step.CONFIRM, null, null, null);
  }

  private static dev.stockroom.common.outbox.OutboxEvent event(SagaOrder order) {
    return OrderEvents.finished(order, "CONFIRMED", null);
  }

  private static SagaOrder withStep(SagaOrder o, Step step) {
    return new SagaOrder(
        o.id(),
        o.customerId(),
        step,
        o.requestedLines(),
        o.lines(),
        o.totalCents(),
        o.attempts(),
        o.createdAt(),
        o.deadlineAt(),
        o.pendingReason(),
        o.pendingDetail(),
        o.consistentWith(),
        o.traceContext(),
        o.lease());
  }

  /** Runs {@code work} on an event loop, as the saga's store is used, and waits for it. */
  private static <T> T onLoop(Vertx vertx, Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    vertx.runOnContext(v -> work.get().onComplete(done));
    return TestServices.await(done.future(), Duration.ofSeconds(20));
  }
}
