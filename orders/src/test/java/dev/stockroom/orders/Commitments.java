package dev.stockroom.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import java.time.Duration;

/**
 * The invariant money and stock keep for every order, read from each participant's own database
 * once the saga has finished (compensation included): CONFIRMED ⇔ stock sold ⇔ credit captured;
 * REJECTED ⇒ no stock sold and no credit captured.
 */
final class Commitments {
  private Commitments() {}

  /** Where the order's commitments ended, read after its saga finished. */
  record Settled(String status, String reservation, String hold) {}

  static Settled assertAgree(OrdersFixture system, String orderId, Duration within) {
    String ordersDb = system.ordersEnv.get("PG_URI");
    Eventually.assertWithin(
        within,
        () ->
            assertThat(
                    TestDb.text(ordersDb, "SELECT step FROM orders WHERE id = '" + orderId + "'"))
                .as("the saga of order %s has finished", orderId)
                .isEqualTo("DONE"));
    String status = TestDb.text(ordersDb, "SELECT status FROM orders WHERE id = '" + orderId + "'");
    String reservation =
        TestDb.text(
            system.inventoryEnv.get("PG_URI"),
            "SELECT status FROM reservations WHERE reservation_id = 'order-" + orderId + "'");
    String hold =
        TestDb.text(
            system.usersEnv.get("PG_URI"),
            "SELECT status FROM credit_holds WHERE hold_id = 'order-" + orderId + "'");
    Settled settled = new Settled(status, reservation, hold);
    boolean stockSold = "CONFIRMED".equals(reservation);
    boolean creditCaptured = "CAPTURED".equals(hold);
    assertThat(stockSold)
        .as("stock sold ⇔ order confirmed: %s", settled)
        .isEqualTo("CONFIRMED".equals(status));
    assertThat(creditCaptured)
        .as("credit captured ⇔ order confirmed: %s", settled)
        .isEqualTo("CONFIRMED".equals(status));
    assertThat(reservation).as("nothing is still reserved: %s", settled).isNotEqualTo("HELD");
    assertThat(hold).as("no credit is still held: %s", settled).isNotEqualTo("HELD");
    return settled;
  }
}
