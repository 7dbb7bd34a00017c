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
      // The item's row held: the reservation claims its id, then waits for the row.
      String id =
          placeWhileHeld(
              system,
              system.inventoryEnv.get("PG_URI"),
              "SELECT * FROM items WHERE sku = 'LATE-1' FOR UPDATE",
              gus,
              "LATE-1",
              "SELECT count(*) FROM reservations WHERE reservation_id = 'order-%s'");

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
      // The customer's row held: the hold claims its id, then waits for the row.
      String id =
          placeWhileHeld(
              system,
              system.usersEnv.get("PG_URI"),
              "SELECT * FROM users WHERE id = '" + hal + "' FOR UPDATE",
              hal,
              "LATE-2",
              "SELECT count(*) FROM credit_holds WHERE hold_id = 'order-%s'");

      // Before: the release found no hold (not yet committed), the order ended REJECTED, and the
      // hold then committed HELD, the customer's credit taken for the hold's TTL.
      var settled = Commitments.assertAgree(system, id, Duration.ofSeconds(30));
      assertThat(settled.status()).isEqualTo("REJECTED");
      assertThat(system.availableCredit(hal)).isEqualTo(5_000);
    }
  }

  /**
   * Places an order while {@code lock} holds a row its participant's call needs in {@code db}: the
   * call claims its id, then waits; the saga's call times out and, past the deadline, the order is
   * rejected and compensated. The row is let go once the compensation is done (it found nothing) or
   * is waiting for the commitment still being made (two lock waits); answers the order's id once
   * the commitment ({@code made}, with %s for the order id) exists.
   */
  private static String placeWhileHeld(
      OrdersFixture system, String db, String lock, String customer, String sku, String made)
      throws Exception {
    String ordersDb = system.ordersEnv.get("PG_URI");
    String id;
    try (Connection blocker = TestDb.connect(db)) {
      blocker.setAutoCommit(false);
      try (Statement held = blocker.createStatement()) {
        held.execute(lock);
      }
      id = system.place(customer, "k-" + sku, order(customer, sku, 1)).json().getString("id");
      String step = "SELECT step FROM orders WHERE id = '" + id + "'";
      Eventually.assertWithin(
          Duration.ofSeconds(20),
          () ->
              assertThat(
                      "DONE".equals(TestDb.text(ordersDb, step))
                          || TestDb.count(db, "SELECT count(*) FROM pg_locks WHERE NOT granted")
                              >= 2)
                  .as("the order compensated while its commitment is still being made")
                  .isTrue());
      blocker.commit();
    }
    String madeQuery = String.format(made, id);
    Eventually.assertWithin(
        Duration.ofSeconds(10), () -> assertThat(TestDb.count(db, madeQuery)).isEqualTo(1));
    return id;
  }
}
