package dev.stockroom.orders;

import static dev.stockroom.orders.OrdersFixture.order;
import static dev.stockroom.orders.OrdersFixture.overrides;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A participant call that timed out may still commit after the saga gave up on it and compensated:
 * the compensation must not find "nothing to give back" and let that commitment live on.
 */
@DisplayName("Commitments that land after their order was compensated")
class LateCommitmentTest {
  @Test
  @DisplayName(
      "a reservation still being made when its order is rejected and compensated is given back"
          + " once it lands, not left holding the stock")
  void lateReservationIsGivenBack() throws Exception {
    try (OrdersFixture system = new OrdersFixture(overrides("ORDER_SAGA_DEADLINE", "PT1S"))) {
      String gus = system.customer("Gus Late", 5_000);
      system.item("LATE-1", 3, 100);
      String inventoryDb = system.inventoryEnv.get("PG_URI");
      String ordersDb = system.ordersEnv.get("PG_URI");
      String id;
      try (Connection blocker = TestDb.connect(inventoryDb)) {
        // The item's row held: the reservation claims its id, then waits for the row; the saga's
        // call times out and, past the deadline, the order is rejected and compensated.
        blocker.setAutoCommit(false);
        try (Statement lock = blocker.createStatement()) {
          lock.execute("SELECT * FROM items WHERE sku = 'LATE-1' FOR UPDATE");
        }
        id = system.place(gus, "k-late", order(gus, "LATE-1", 1)).json().getString("id");
        String step = "SELECT step FROM orders WHERE id = '" + id + "'";
        // Compensated (DONE: it found nothing to give back), or waiting for the reservation that
        // is still being made (two lock waits: the reservation's and the compensation's).
        Eventually.assertWithin(
            Duration.ofSeconds(20),
            () ->
                assertThat(
                        "DONE".equals(TestDb.text(ordersDb, step))
                            || TestDb.count(
                                    inventoryDb, "SELECT count(*) FROM pg_locks WHERE NOT granted")
                                >= 2)
                    .as("the order compensated while its reservation is still being made")
                    .isTrue());
        blocker.commit();
      }
      String made = "SELECT count(*) FROM reservations WHERE reservation_id = 'order-" + id + "'";
      Eventually.assertWithin(
          Duration.ofSeconds(10), () -> assertThat(TestDb.count(inventoryDb, made)).isEqualTo(1));

      // Before: the compensation found no reservation (not yet committed), the order ended
      // REJECTED, and the reservation then committed HELD, its stock taken for the hold's TTL.
      var settled = Commitments.assertAgree(system, id, Duration.ofSeconds(30));
      assertThat(settled.status()).isEqualTo("REJECTED");
      assertThat(system.itemState("LATE-1").getInteger("reserved")).isZero();
    }
  }

  @Test
  @DisplayName(
      "a credit hold still being made when its order is rejected and compensated is released once"
          + " it lands, not left holding the credit")
  void lateHoldIsReleased() throws Exception {
    try (OrdersFixture system = new OrdersFixture(overrides("ORDER_SAGA_DEADLINE", "PT1S"))) {
      String hal = system.customer("Hal Late", 5_000);
      system.item("LATE-2", 3, 100);
      String usersDb = system.usersEnv.get("PG_URI");
      String ordersDb = system.ordersEnv.get("PG_URI");
      String id;
      try (Connection blocker = TestDb.connect(usersDb)) {
        // The customer's row held: the hold claims its id, then waits for the row.
        blocker.setAutoCommit(false);
        try (Statement lock = blocker.createStatement()) {
          lock.execute("SELECT * FROM users WHERE id = '" + hal + "' FOR UPDATE");
        }
        id = system.place(hal, "k-late-hold", order(hal, "LATE-2", 1)).json().getString("id");
        String step = "SELECT step FROM orders WHERE id = '" + id + "'";
        Eventually.assertWithin(
            Duration.ofSeconds(20),
            () ->
                assertThat(
                        "DONE".equals(TestDb.text(ordersDb, step))
                            || TestDb.count(
                                    usersDb, "SELECT count(*) FROM pg_locks WHERE NOT granted")
                                >= 2)
                    .as("the order compensated while its hold is still being made")
                    .isTrue());
        blocker.commit();
      }
      String made = "SELECT count(*) FROM credit_holds WHERE hold_id = 'order-" + id + "'";
      Eventually.assertWithin(
          Duration.ofSeconds(10), () -> assertThat(TestDb.count(usersDb, made)).isEqualTo(1));

      // Before: the release found no hold (not yet committed), the order ended REJECTED, and the
      // hold then committed HELD, the customer's credit taken for the hold's TTL.
      var settled = Commitments.assertAgree(system, id, Duration.ofSeconds(30));
      assertThat(settled.status()).isEqualTo("REJECTED");
      assertThat(system.availableCredit(hal)).isEqualTo(5_000);
    }
  }
}
