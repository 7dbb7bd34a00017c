package dev.stockroom.orders;

import static dev.stockroom.orders.OrdersFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.FaultyHttpProxy.Rule;
import dev.stockroom.common.testing.TestHttp.Reply;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A saga's lease is the instance's claim on it: it must last as long as the saga runs there. */
@DisplayName("Saga leases")
class SagaLeaseTest {
  @Test
  @DisplayName(
      "a saga that runs longer than its lease keeps it step by step: no second copy of it is"
          + " started, each participant is called once per step")
  void longSagaKeepsItsLease() throws Exception {
    try (OrdersFixture system =
        new OrdersFixture(
            OrdersFixture.overrides(
                "ORDER_SAGA_LEASE",
                "PT3S",
                "ORDER_CALL_TIMEOUT",
                "PT2.5S",
                "ORDER_WAIT",
                "PT15S"))) {
      String eve = system.customer("Eve Slow", 10_000);
      system.item("LEASE-1", 5, 100);
      // Each step well inside the lease and the call timeout (over a second and a half of margin
      // on a slow machine), all four well past the lease.
      Duration slow = Duration.ofMillis(900);
      List<Rule> steps =
          List.of(
              system.toInventory.on(HttpMethod.POST, "/batch/reservations").delayAnswer(slow),
              system.toUsers.on(HttpMethod.POST, "/batch/credit-holds").delayAnswer(slow),
              system
                  .toInventory
                  .on(HttpMethod.POST, "/batch/reservations/confirm")
                  .delayAnswer(slow),
              system.toUsers.on(HttpMethod.POST, "/batch/credit-holds/capture").delayAnswer(slow));

      Reply placed = system.place(eve, "k-lease", order(eve, "LEASE-1", 1));
      String id = placed.json().getString("id");
      var settled = Commitments.assertAgree(system, id, Duration.ofSeconds(30));

      assertThat(settled.status()).isEqualTo("CONFIRMED");
      // Before: the lease ran out after the second step, the worker claimed the saga as abandoned
      // and ran a second copy of it alongside the first, calling the remaining steps again.
      assertThat(steps.stream().map(Rule::hits).toList())
          .as("calls to reserve, hold, confirm, capture")
          .containsExactly(1, 1, 1, 1);
      assertThat(system.itemState("LEASE-1").getInteger("quantity")).isEqualTo(4);
      assertThat(system.availableCredit(eve)).isEqualTo(9_900);
    }
  }
}
