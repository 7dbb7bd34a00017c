package dev.stockroom.orders;

import static dev.stockroom.orders.OrdersFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.FaultyHttpProxy.Rule;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The saga's group commit: orders at the same step share one call (and one transaction) per
 * participant, and each is still decided on its own.
 */
@DisplayName("Sagas in batches")
class GroupCommitTest {
  private static final int ORDERS = 24;

  @Test
  @DisplayName(
      "orders reaching a step while its call is in flight go together in the next call; each"
          + " agrees across the three services")
  void ordersShareCalls() throws Exception {
    try (OrdersFixture system = new OrdersFixture(OrdersFixture.overrides("HTTP_INSTANCES", "1"))) {
      String ann = system.customer("Ann Batch", 1_000_000);
      String bob = system.customer("Bob Batch", 300);
      system.item("GROUP-1", ORDERS, 100);
      // Slow reservation answers: the orders placed meanwhile queue for the next batch.
      Rule slow =
          system
              .toInventory
              .on(HttpMethod.POST, "/batch/reservations")
              .delayAnswer(Duration.ofMillis(400));

      List<String> ids = placeConcurrently(system, "GROUP-1", ann, bob);

      int confirmed = 0;
      for (String id : ids) {
        var settled = Commitments.assertAgree(system, id, Duration.ofSeconds(30));
        confirmed += settled.status().equals("CONFIRMED") ? 1 : 0;
      }
      assertThat(confirmed).as("Bob can pay for 3 of his orders").isEqualTo(ORDERS / 2 + 3);
      assertThat(system.itemState("GROUP-1").getInteger("quantity")).isEqualTo(ORDERS - confirmed);
      assertThat(system.availableCredit(bob)).isZero();
      long calls = batchCalls(system, "reserve");
      assertThat(calls).as("reservation calls for %d orders", ORDERS).isLessThan(ORDERS / 2);
      assertThat(slow.hits()).isEqualTo(calls);
      assertThat(batchCalls(system, "hold")).isLessThan(ORDERS);
      assertThat(batchCalls(system, "advance"))
          .as("every order moves on at least twice (past CUSTOMER, past RESERVE)")
          .isLessThan(2 * ORDERS);
    }
  }

  @Test
  @DisplayName(
      "a participant without the batch endpoints (an older version mid-upgrade) gets each order"
          + " alone, and every order confirms")
  void olderParticipants() throws Exception {
    try (OrdersFixture system = new OrdersFixture(OrdersFixture.overrides())) {
      String cy = system.customer("Cy Upgrade", 1_000_000);
      system.item("GROUP-2", ORDERS, 100);
      Rule inventory = system.toInventory.on(HttpMethod.POST, "/batch/.*").answer(404);
      Rule users = system.toUsers.on(HttpMethod.POST, "/batch/.*").answer(404);

      List<String> ids = placeConcurrently(system, "GROUP-2", cy, cy);

      for (String id : ids) {
        var settled = Commitments.assertAgree(system, id, Duration.ofSeconds(30));
        assertThat(settled.status()).isEqualTo("CONFIRMED");
      }
      assertThat(inventory.hits()).isPositive();
      assertThat(users.hits()).isPositive();
      assertThat(system.itemState("GROUP-2").getInteger("quantity")).isZero();
      assertThat(system.availableCredit(cy)).isEqualTo(1_000_000 - ORDERS * 100);
    }
  }

  @Test
  @DisplayName(
      "one Idempotency-Key sent by many requests at once, batched into one insert: one order")
  void keysInOneBatch() throws Exception {
    try (OrdersFixture system = new OrdersFixture(OrdersFixture.overrides("HTTP_INSTANCES", "1"))) {
      String dee = system.customer("Dee Repeat", 1_000_000);
      system.item("GROUP-3", 10, 100);
      List<Callable<TestHttp.Reply>> placing = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        placing.add(() -> system.place(dee, "k-same", order(dee, "GROUP-3", 1)));
      }
      ExecutorService pool = Executors.newFixedThreadPool(placing.size());
      List<TestHttp.Reply> replies = new ArrayList<>();
      try {
        for (Future<TestHttp.Reply> f : pool.invokeAll(placing)) {
          replies.add(f.get());
        }
      } finally {
        pool.shutdown();
      }

      assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isIn(201, 202));
      assertThat(replies.stream().map(r -> r.json().getString("id")).distinct()).hasSize(1);
      String id = replies.get(0).json().getString("id");
      var settled = Commitments.assertAgree(system, id, Duration.ofSeconds(30));
      assertThat(settled.status()).isEqualTo("CONFIRMED");
      assertThat(system.itemState("GROUP-3").getInteger("quantity")).isEqualTo(9);
      assertThat(
              TestDb.count(
                  system.ordersEnv.get("PG_URI"),
                  "SELECT count(*) FROM orders WHERE idempotency_key = 'k-same'"))
          .isEqualTo(1);
    }
  }

  /**
   * One unit of {@code sku} per order, half the orders by each customer, all at once; answers the
   * order ids.
   */
  private static List<String> placeConcurrently(
      OrdersFixture system, String sku, String first, String second) throws Exception {
    List<Callable<String>> placing = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      String customer = i % 2 == 0 ? first : second;
      String key = "k-group-" + i;
      placing.add(
          () -> {
            var reply = system.place(customer, key, order(customer, sku, 1));
            assertThat(reply.status()).as(reply.toString()).isIn(201, 202);
            return reply.json().getString("id");
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(ORDERS);
    try {
      List<String> ids = new ArrayList<>();
      for (Future<String> f : pool.invokeAll(placing)) {
        ids.add(f.get());
      }
      return ids;
    } finally {
      pool.shutdown();
    }
  }

  /** How many batches the saga sent for {@code call}, from orders' own metrics. */
  private static long batchCalls(OrdersFixture system, String call) {
    String metrics = system.ordersHttp.get("/metrics", null).body();
    Matcher m =
        Pattern.compile(
                "(?m)^orders_saga_batch_size_count\\{[^}]*call=\"" + call + "\"[^}]*} ([0-9.E]+)$")
            .matcher(metrics);
    assertThat(m.find()).as("orders_saga_batch_size_count for %s", call).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
