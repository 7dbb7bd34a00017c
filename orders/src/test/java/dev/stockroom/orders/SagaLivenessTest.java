package dev.stockroom.orders;

import static dev.stockroom.orders.OrdersFixture.order;
import static dev.stockroom.orders.OrdersFixture.overrides;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FaultyHttpProxy.Rule;
import dev.stockroom.common.testing.TestDb;
import io.vertx.core.http.HttpMethod;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One saga's statement waiting in PostgreSQL (a row an operator's open transaction holds, a table a
 * migration locks) must not hold up the sagas behind it: the steps of an instance go through one
 * group commit, whose next batch waits for the one in flight.
 */
@DisplayName("A saga blocked in the database holds up no other")
class SagaLivenessTest {
  @Test
  @DisplayName(
      "an order whose row an open transaction holds stalls no other order: they confirm, and it"
          + " goes on once the row is free")
  void lockedOrderStallsNoOther() throws Exception {
    try (OrdersFixture system =
        new OrdersFixture(
            overrides(
                "PG_STATEMENT_TIMEOUT",
                "PT2S",
                "ORDER_CALL_TIMEOUT",
                "PT4S",
                // A goes on once its lease runs out (15 s by default) after the row is free.
                "ORDER_SAGA_LEASE",
                "PT8S"))) {
      String ann = system.customer("Ann Locked", 5_000);
      String bob = system.customer("Bob Behind", 5_000);
      system.item("LIVE-1", 5, 100);
      String ordersDb = system.ordersEnv.get("PG_URI");
      String locked;
      // Held back for well under the saga's call timeout (4 s here): the answer arrives, while
      // the test holds the order's row.
      Rule slow =
          system
              .toInventory
              .on(HttpMethod.POST, "/reservations|/batch/reservations")
              .delayAnswer(Duration.ofSeconds(1));

      CompletableFuture<?> placingA =
          CompletableFuture.runAsync(() -> system.place(ann, "k-ann", order(ann, "LIVE-1", 1)));
      Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(slow.hits()).isPositive());
      try (Connection operator = TestDb.connect(ordersDb);
          Statement sql = operator.createStatement()) {
        // Its reservation answered while the row is held: the step's write waits for the row.
        operator.setAutoCommit(false);
        sql.execute("SELECT 1 FROM orders WHERE customer_id = '" + ann + "' FOR UPDATE");
        String a = TestDb.text(ordersDb, "SELECT id FROM orders WHERE customer_id = '" + ann + "'");
        placingA.get();
        system.toInventory.clear();
        Eventually.assertWithin(
            Duration.ofSeconds(10),
            () ->
                assertThat(
                        TestDb.count(
                            ordersDb,
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                + " AND query LIKE 'UPDATE orders o SET step = a.next%'"))
                    .as("A's step waits for its row")
                    .isPositive());

        String b = system.place(bob, "k-bob", order(bob, "LIVE-1", 1)).json().getString("id");
        // Before: B's steps queued behind A's blocked write, PENDING for as long as the row was
        // held (here a minute; with a black-holed or forgotten session, for ever).
        // (Within its lease: past it, the worker took B over, after 8 s.)
        Eventually.assertWithin(
            Duration.ofSeconds(6),
            () ->
                assertThat(
                        TestDb.text(ordersDb, "SELECT status FROM orders WHERE id = '" + b + "'"))
                    .isEqualTo("CONFIRMED"));
        assertThat(TestDb.text(ordersDb, "SELECT status FROM orders WHERE id = '" + a + "'"))
            .isEqualTo("PENDING");
        operator.rollback();
        locked = a;
      }
      var settled = Commitments.assertAgree(system, locked, Duration.ofSeconds(60));
      assertThat(settled.status()).isEqualTo("CONFIRMED");
      assertThat(system.itemState("LIVE-1").getInteger("quantity")).isEqualTo(3);
    }
  }
}
