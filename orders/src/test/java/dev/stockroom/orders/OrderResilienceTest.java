package dev.stockroom.orders;

import static dev.stockroom.orders.OrdersFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestServices;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sagas that meet failures")
class OrderResilienceTest {

  @Test
  @DisplayName("orders stopped right after the reservation step: started again, the saga finishes")
  void crashAfterReservation() {
    try (OrdersFixture system = new OrdersFixture(Map.of())) {
      String gus = system.customer("Gus Crash", 5_000);
      system.item("CRASH-1", 4, 700);
      system.awaitCustomerCopied(gus);
      TestServices.stop(system.users);

      Reply placed = system.place(gus, "k-crash", order(gus, "CRASH-1", 2));
      assertThat(placed.status()).as(placed.toString()).isEqualTo(202);
      assertThat(placed.json().getString("status")).isEqualTo("PENDING");
      String id = placed.json().getString("id");
      assertThat(system.itemState("CRASH-1").getInteger("reserved"))
          .as("the reservation step is done")
          .isEqualTo(2);
      assertThat(
              TestDb.count(
                  system.ordersEnv.get("PG_URI"),
                  "SELECT count(*) FROM orders WHERE id = '" + id + "' AND step = 'HOLD'"))
          .isEqualTo(1);

      TestServices.stop(system.orders);
      system.users = system.startUsers();
      system.orders = system.startOrders();
      TestHttp orders = new TestHttp(system.orders.port());
      Eventually.assertWithin(
          Duration.ofSeconds(20),
          () ->
              assertThat(
                      orders.get("/orders/" + id, OrdersFixture.ADMIN).json().getString("status"))
                  .isEqualTo("CONFIRMED"));
      assertThat(system.itemState("CRASH-1").getInteger("quantity")).isEqualTo(2);
      assertThat(system.itemState("CRASH-1").getInteger("reserved")).isZero();
      assertThat(system.availableCredit(gus)).isEqualTo(5_000 - 1_400);
    }
  }

  @Test
  @DisplayName("a request waiting on a parked saga is answered as soon as the worker decides it")
  void waitingRequestHearsTheWorker() throws Exception {
    // A breaker opened by the outage and still open when inventory is back would hold the retry
    // for its whole reset (5 s by default): the time asserted below is the worker's, not the
    // breaker's.
    try (OrdersFixture system =
        new OrdersFixture(Map.of("ORDER_WAIT", "PT15S", "BREAKER_RESET", "PT0.5S"))) {
      String ida = system.customer("Ida Waiting", 5_000);
      system.item("WAIT-1", 3, 100);
      TestServices.stop(system.inventory);
      var placing =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> system.place(ida, "k-wait", order(ida, "WAIT-1", 1)));
      // The saga has met the outage and is parked for a retry; the request is still waiting.
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(
                      TestDb.count(
                          system.ordersEnv.get("PG_URI"),
                          "SELECT count(*) FROM orders WHERE attempts > 0"))
                  .isPositive());
      assertThat(placing).isNotDone();
      system.inventory = system.startInventory();
      long back = System.nanoTime();

      Reply placed = placing.get(14, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
      assertThat(placed.json().getString("status")).isEqualTo("CONFIRMED");
      // Well inside ORDER_WAIT: woken by the worker's decision, not by the wait running out.
      assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(8));
    }
  }

  @Test
  @DisplayName(
      "a participant answering later than the client's wait: 202 PENDING at the wait, and the saga"
          + " still confirms")
  void slowerThanTheWait() throws Exception {
    try (OrdersFixture system = new OrdersFixture(Map.of())) {
      String ivy = system.customer("Ivy Waiting", 5_000);
      system.item("SLOW-1", 3, 100);
      Reply placed;
      Duration took;
      // The item's row held for longer than the client's wait: the reservation waits for it.
      try (Connection blocker = TestDb.connect(system.inventoryEnv.get("PG_URI"))) {
        blocker.setAutoCommit(false);
        try (Statement held = blocker.createStatement()) {
          held.execute("SELECT * FROM items WHERE sku = 'SLOW-1' FOR UPDATE");
        }
        long start = System.nanoTime();
        placed = system.place(ivy, "k-slow", order(ivy, "SLOW-1", 1));
        took = Duration.ofNanos(System.nanoTime() - start);
        // Held until the client has its answer: the saga cannot have finished before the wait.
        blocker.commit();
      }

      assertThat(placed.status()).as(placed.toString()).isEqualTo(202);
      assertThat(placed.json().getString("status")).isEqualTo("PENDING");
      assertThat(took)
          .as("answered at the wait (2 s), not when the row let go")
          .isBetween(Duration.ofMillis(1900), Duration.ofSeconds(4));
      String id = placed.json().getString("id");
      assertThat(placed.header("Location")).isEqualTo("/orders/" + id);
      Eventually.assertWithin(
          Duration.ofSeconds(20),
          () -> assertThat(system.read(id).getString("status")).isEqualTo("CONFIRMED"));
    }
  }

  @Test
  @DisplayName("inventory down, then back before the deadline: the saga retries and confirms")
  void inventoryComesBack() {
    try (OrdersFixture system = new OrdersFixture(Map.of())) {
      String hal = system.customer("Hal Patient", 5_000);
      system.item("BACK-1", 3, 100);
      TestServices.stop(system.inventory);
      Reply placed = system.place(hal, "k-back", order(hal, "BACK-1", 1));
      assertThat(placed.status()).isEqualTo(202);
      system.inventory = system.startInventory();
      String id = placed.json().getString("id");
      Eventually.assertWithin(
          Duration.ofSeconds(20),
          () -> assertThat(system.read(id).getString("status")).isEqualTo("CONFIRMED"));
      assertThat(system.itemState("BACK-1").getInteger("quantity")).isEqualTo(2);
    }
  }

  @Test
  @DisplayName(
      "inventory down past the deadline: REJECTED dependency_unavailable, and once it is back no stock is held")
  void inventoryTooLate() {
    try (OrdersFixture system = new OrdersFixture(Map.of("ORDER_SAGA_DEADLINE", "PT2S"))) {
      String ivy = system.customer("Ivy Late", 5_000);
      system.item("LATE-1", 3, 100);
      TestServices.stop(system.inventory);
      Reply placed = system.place(ivy, "k-late", order(ivy, "LATE-1", 1));
      String id = placed.json().getString("id");
      Eventually.assertWithin(
          Duration.ofSeconds(20),
          () -> {
            var o = system.read(id);
            assertThat(o.getString("status")).isEqualTo("REJECTED");
            assertThat(o.getJsonObject("rejection").getString("reason"))
                .isEqualTo("dependency_unavailable");
          });
      system.inventory = system.startInventory();
      Eventually.assertWithin(
          Duration.ofSeconds(20),
          () ->
              assertThat(
                      TestDb.count(
                          system.ordersEnv.get("PG_URI"),
                          "SELECT count(*) FROM orders WHERE id = '" + id + "' AND step = 'DONE'"))
                  .as("compensation finished")
                  .isEqualTo(1));
      assertThat(system.itemState("LATE-1").getInteger("quantity")).isEqualTo(3);
      assertThat(system.itemState("LATE-1").getInteger("reserved")).isZero();
      assertThat(system.availableCredit(ivy)).isEqualTo(5_000);
    }
  }

  @Test
  @DisplayName(
      "inventory answering 503: its breaker opens for the whole process, the saga takes that as"
          + " transient, and every order confirms once inventory answers again")
  void breakerOpensAndCloses() {
    try (OrdersFixture system =
        new OrdersFixture(
            OrdersFixture.overrides(
                "ORDER_WAIT", "PT0.1S", "BREAKER_RESET", "PT1S", "HTTP_INSTANCES", "2"))) {
      String kim = system.customer("Kim Breaker", 50_000);
      system.item("BREAK-1", 20, 100);
      system
          .toInventory
          .on(io.vertx.core.http.HttpMethod.POST, "(/batch)?/reservations")
          .answer(503);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ids.add(system.place(kim, "k-break-" + i, order(kim, "BREAK-1", 1)).json().getString("id"));
      }
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () ->
              assertThat(system.ordersHttp.get("/metrics", null).body())
                  .containsPattern(
                      "circuit_breaker_state\\{[^}]*downstream=\"inventory\"[^}]*\\} 2\\.0")
                  .containsPattern(
                      "downstream_calls_total\\{[^}]*downstream=\"inventory\",outcome=\"open\""));

      system.toInventory.clear();
      for (String id : ids) {
        Eventually.assertWithin(
            Duration.ofSeconds(25),
            () -> assertThat(system.read(id).getString("status")).isEqualTo("CONFIRMED"));
      }
      assertThat(system.itemState("BREAK-1").getInteger("quantity")).isEqualTo(12);
    }
  }
}
