package dev.stockroom.orders;

import static dev.stockroom.orders.OrdersFixture.ADMIN;
import static dev.stockroom.orders.OrdersFixture.order;
import static dev.stockroom.orders.OrdersFixture.overrides;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FaultyHttpProxy.Rule;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp.Reply;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Faults around the saga's pivot, injected by proxies between orders and its participants. Every
 * test ends by checking that money and stock agree ({@link Commitments}).
 */
@DisplayName("The saga's pivot under network faults")
class SagaPivotTest {
  /** Single or batched: the saga sends each step in a batch, alone only as a fallback. */
  private static final String CONFIRM = "/reservations/[^/]+/confirm|/batch/reservations/confirm";

  private static final String CAPTURE = "/credit-holds/[^/]+/capture|/batch/credit-holds/capture";
  private static final Duration SETTLED = Duration.ofSeconds(40);

  @Test
  @DisplayName(
      "confirm's answer delayed past the deadline: the order still goes forward to CONFIRMED")
  void confirmAnswerLate() {
    try (OrdersFixture system = new OrdersFixture(overrides("ORDER_SAGA_DEADLINE", "PT3S"))) {
      String ann = system.customer("Ann Late Answer", 5_000);
      system.item("PIVOT-LATE", 3, 400);
      Rule late =
          system
              .toInventory
              .on(HttpMethod.POST, CONFIRM)
              .delayAnswer(Duration.ofSeconds(5))
              .during(Duration.ofSeconds(6));

      String id = system.place(ann, "k-late", order(ann, "PIVOT-LATE", 2)).json().getString("id");

      var settled = Commitments.assertAgree(system, id, SETTLED);
      assertThat(late.hits()).as("confirm's answers were delayed").isPositive();
      assertThat(settled.status()).isEqualTo("CONFIRMED");
      assertThat(system.itemState("PIVOT-LATE").getInteger("quantity")).isEqualTo(1);
      assertThat(system.availableCredit(ann)).isEqualTo(5_000 - 800);
    }
  }

  @Test
  @DisplayName(
      "confirm's answer dropped for 7 s: confirm is retried until answered, then CONFIRMED")
  void confirmAnswerDropped() {
    try (OrdersFixture system = new OrdersFixture(overrides("ORDER_SAGA_DEADLINE", "PT3S"))) {
      String bob = system.customer("Bob Dropped", 5_000);
      system.item("PIVOT-DROP", 3, 400);
      Rule dropped =
          system
              .toInventory
              .on(HttpMethod.POST, CONFIRM)
              .dropAnswer()
              .during(Duration.ofSeconds(7));

      String id = system.place(bob, "k-drop", order(bob, "PIVOT-DROP", 1)).json().getString("id");

      var settled = Commitments.assertAgree(system, id, SETTLED);
      assertThat(dropped.hits()).as("confirm was sent while its answers were dropped").isPositive();
      assertThat(settled.status()).isEqualTo("CONFIRMED");
      assertThat(system.itemState("PIVOT-DROP").getInteger("quantity")).isEqualTo(2);
      assertThat(system.availableCredit(bob)).isEqualTo(5_000 - 400);
    }
  }

  @Test
  @DisplayName(
      "capture refused for longer than the commitment TTL: the stock goes back and the order is REJECTED")
  void captureRefusedPastTheHold() {
    try (OrdersFixture system =
        new OrdersFixture(
            overrides("ORDER_SAGA_DEADLINE", "PT2S", "ORDER_COMMITMENT_TTL", "PT4S"))) {
      String cy = system.customer("Cy Unpaid", 5_000);
      system.item("PIVOT-CAPTURE", 3, 400);
      Rule refused =
          system.toUsers.on(HttpMethod.POST, CAPTURE).answer(503).during(Duration.ofSeconds(8));

      String id =
          system.place(cy, "k-capture", order(cy, "PIVOT-CAPTURE", 2)).json().getString("id");

      var settled = Commitments.assertAgree(system, id, SETTLED);
      assertThat(refused.hits()).isPositive();
      assertThat(settled.status()).isEqualTo("REJECTED");
      assertThat(settled.hold()).isEqualTo("EXPIRED");
      assertThat(settled.reservation()).isEqualTo("RETURNED");
      assertThat(system.itemState("PIVOT-CAPTURE").getInteger("quantity")).isEqualTo(3);
      assertThat(system.itemState("PIVOT-CAPTURE").getInteger("reserved")).isZero();
      assertThat(system.availableCredit(cy)).isEqualTo(5_000);
      assertThat(system.read(id).getJsonObject("rejection").getString("reason"))
          .isEqualTo("dependency_unavailable");
    }
  }

  @Test
  @DisplayName(
      "capture lands but its answer is lost, then its retries meet a 401 (a key being rotated):"
          + " the order still ends CONFIRMED, charged once")
  void captureLandedThenUnauthorized() {
    try (OrdersFixture system = new OrdersFixture(overrides())) {
      String fay = system.customer("Fay Charged", 5_000);
      system.item("PIVOT-401", 3, 400);
      Rule lost = system.toUsers.on(HttpMethod.POST, CAPTURE).dropAnswer();

      String id = system.place(fay, "k-401", order(fay, "PIVOT-401", 1)).json().getString("id");
      Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(lost.hits()).isPositive());
      // The capture went through; its answer is on its way to being lost. The retries meet 401s.
      system.toUsers.clear();
      Rule unauthorized =
          system.toUsers.on(HttpMethod.POST, CAPTURE).answer(401).during(Duration.ofSeconds(4));

      // Before: the 401 was taken as a refusal past the pivot, so the stock went back and the
      // order was REJECTED while the customer's credit stayed captured (compensation then retried
      // for ever: a captured hold cannot be released).
      var settled = Commitments.assertAgree(system, id, SETTLED);
      assertThat(lost.hits()).as("captures whose answer was lost").isPositive();
      assertThat(unauthorized.hits()).as("captures answered 401").isPositive();
      assertThat(settled.status()).isEqualTo("CONFIRMED");
      assertThat(system.itemState("PIVOT-401").getInteger("quantity")).isEqualTo(2);
      assertThat(system.availableCredit(fay)).isEqualTo(5_000 - 400);
    }
  }

  @Test
  @DisplayName("the customer deleted between CONFIRM and CAPTURE: the stock goes back, REJECTED")
  void customerDeletedAfterThePivot() {
    try (OrdersFixture system = new OrdersFixture(overrides())) {
      String dee = system.customer("Dee Gone", 5_000);
      system.item("PIVOT-GONE", 3, 400);
      Rule refused = system.toUsers.on(HttpMethod.POST, CAPTURE).answer(503);

      String id = system.place(dee, "k-gone", order(dee, "PIVOT-GONE", 1)).json().getString("id");
      Eventually.assertWithin(
          Duration.ofSeconds(10), () -> assertThat(refused.hits()).isPositive());
      assertThat(system.usersHttp.delete("/users/" + dee, ADMIN).status()).isEqualTo(204);
      system.toUsers.clear();

      var settled = Commitments.assertAgree(system, id, SETTLED);
      assertThat(settled.status()).isEqualTo("REJECTED");
      assertThat(settled.reservation()).isEqualTo("RETURNED");
      assertThat(system.itemState("PIVOT-GONE").getInteger("quantity")).isEqualTo(3);
      assertThat(system.read(id).getJsonObject("rejection").getString("reason"))
          .isEqualTo("unknown_customer");
    }
  }

  @Test
  @DisplayName(
      "the customer erased after a capture landed whose answer was lost: the order is CONFIRMED,"
          + " not rejected with its stock returned and the money taken")
  void customerDeletedAfterTheCaptureLanded() {
    try (OrdersFixture system = new OrdersFixture(overrides())) {
      String dee = system.customer("Dee Paid", 5_000);
      system.item("PIVOT-PAID", 3, 400);
      Rule dropped = system.toUsers.on(HttpMethod.POST, CAPTURE).dropAnswer();

      String id = system.place(dee, "k-paid", order(dee, "PIVOT-PAID", 1)).json().getString("id");
      String usersDb = system.usersEnv.get("PG_URI");
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(
                      TestDb.text(
                          usersDb,
                          "SELECT status FROM credit_holds WHERE hold_id = 'order-" + id + "'"))
                  .as("users captured; orders did not hear it (%d answers dropped)", dropped.hits())
                  .isEqualTo("CAPTURED"));
      assertThat(system.usersHttp.delete("/users/" + dee, ADMIN).status()).isEqualTo(204);
      system.toUsers.clear();

      // Before: the erasure took the captured hold with it, the retried capture answered 404, and
      // the saga rejected the order as unknown_customer and returned the stock it had been paid
      // for (the money stayed captured).
      var settled = Commitments.assertAgree(system, id, SETTLED);
      assertThat(settled.status()).isEqualTo("CONFIRMED");
      assertThat(settled.hold()).isEqualTo("CAPTURED");
      assertThat(system.itemState("PIVOT-PAID").getInteger("quantity")).isEqualTo(2);
    }
  }

  @Test
  @DisplayName(
      "orders stopped while capture's answer is lost: started again, the order is CONFIRMED")
  void ordersStoppedAfterThePivot() {
    try (OrdersFixture system = new OrdersFixture(overrides("ORDER_SAGA_LEASE", "PT2S"))) {
      String eve = system.customer("Eve Restarted", 5_000);
      system.item("PIVOT-CRASH", 3, 400);
      Rule dropped = system.toUsers.on(HttpMethod.POST, CAPTURE).dropAnswer();

      String id = system.place(eve, "k-crash", order(eve, "PIVOT-CRASH", 1)).json().getString("id");
      Eventually.assertWithin(
          Duration.ofSeconds(10), () -> assertThat(dropped.hits()).isPositive());
      // Mid-step: users has captured, orders has not heard; its verticles and pool go away now.
      system.stopOrders();
      system.toUsers.clear();
      system.restartOrders();

      var settled = Commitments.assertAgree(system, id, SETTLED);
      assertThat(settled.status()).isEqualTo("CONFIRMED");
      assertThat(system.availableCredit(eve)).isEqualTo(5_000 - 400);
    }
  }

  @Test
  @DisplayName("users down while the customer is unknown here: REJECTED once the deadline passes")
  void customerStepHasADeadline() {
    try (OrdersFixture system = new OrdersFixture(overrides("ORDER_SAGA_DEADLINE", "PT2S"))) {
      system.item("PIVOT-WHO", 3, 400);
      system.toUsers.on(HttpMethod.GET, "/users.*").answer(503);
      String stranger = java.util.UUID.randomUUID().toString();

      Reply placed = system.place(stranger, "k-who", order(stranger, "PIVOT-WHO", 1));
      String id = placed.json().getString("id");

      var settled = Commitments.assertAgree(system, id, SETTLED);
      assertThat(settled.status()).isEqualTo("REJECTED");
      assertThat(system.read(id).getJsonObject("rejection").getString("reason"))
          .isEqualTo("dependency_unavailable");
      assertThat(system.itemState("PIVOT-WHO").getInteger("reserved")).isZero();
    }
  }

  @Test
  @DisplayName("an order whose total is 0 (a free item) is CONFIRMED")
  void freeItem() {
    try (OrdersFixture system = new OrdersFixture(overrides())) {
      String fay = system.customer("Fay Free", 0);
      system.item("PIVOT-FREE", 3, 0);

      Reply placed = system.place(fay, "k-free", order(fay, "PIVOT-FREE", 1));

      assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
      assertThat(placed.json().getString("status")).isEqualTo("CONFIRMED");
      assertThat(placed.json().getLong("totalCents")).isZero();
      Commitments.assertAgree(system, placed.json().getString("id"), SETTLED);
      assertThat(system.itemState("PIVOT-FREE").getInteger("quantity")).isEqualTo(2);
    }
  }
}
