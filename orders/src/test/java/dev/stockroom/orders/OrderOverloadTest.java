package dev.stockroom.orders;

import static dev.stockroom.orders.OrdersFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp.Reply;
import io.vertx.core.http.HttpMethod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Orders under overload")
class OrderOverloadTest {
  private static final int CLIENTS = 24;
  private static final int ORDERS_PER_CLIENT = 15;

  @Test
  @DisplayName(
      "a 503 means no order was recorded; every recorded order is answered 201 or 202, even when"
          + " the database pool is full")
  void refusalsRecordNothing() throws Exception {
    // One connection and a wait queue of one, and 24 clients ordering without pause: most orders
    // find the pool full, some before their insert and some after it.
    try (OrdersFixture system =
        new OrdersFixture(Map.of("PG_POOL_SIZE", "1", "PG_POOL_WAIT_QUEUE", "1"))) {
      String ida = system.customer("Ida Overload", 1_000_000);
      system.item("OVER-1", 1_000, 100);

      Map<String, Integer> statusByKey = new ConcurrentHashMap<>();
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<?>> sent = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          String client = "k-over-" + c + "-";
          sent.add(
              clients.submit(
                  () -> {
                    for (int i = 0; i < ORDERS_PER_CLIENT; i++) {
                      Reply reply = system.place(ida, client + i, order(ida, "OVER-1", 1));
                      statusByKey.put(client + i, reply.status());
                    }
                  }));
        }
        for (Future<?> f : sent) {
          f.get();
        }
      } finally {
        clients.shutdownNow();
      }

      Set<String> recorded = recordedKeys(system.ordersEnv.get("PG_URI"));
      Set<String> refused = keysWith(statusByKey, 503);
      assertThat(refused).as("the pool was full for some orders").isNotEmpty();
      assertThat(refused)
          .as("refused, yet recorded (of %d recorded)", recorded.size())
          .doesNotContainAnyElementsOf(recorded);
      Set<String> accepted = new HashSet<>(keysWith(statusByKey, 201));
      accepted.addAll(keysWith(statusByKey, 202));
      assertThat(accepted).as("answered 201/202").isEqualTo(recorded);
      assertThat(accepted.size() + refused.size())
          .as(statusByKey.toString())
          .isEqualTo(CLIENTS * ORDERS_PER_CLIENT);
    }
  }

  @Test
  @DisplayName(
      "an order waiting for its saga holds no place among the requests in flight: slow sagas and"
          + " more orders at once than HTTP_MAX_IN_FLIGHT, none refused")
  void waitingIsNotInFlight() throws Exception {
    // Three requests in flight, and every reservation answered a second late: each order waits
    // for its saga far longer than it took to record it.
    try (OrdersFixture system =
        new OrdersFixture(
            Map.of(
                "HTTP_INSTANCES", "1",
                "HTTP_MAX_IN_FLIGHT", "3",
                "ORDER_WAIT", "PT10S",
                "ORDER_CALL_TIMEOUT", "PT5S"))) {
      String ida = system.customer("Ida Waiting", 1_000_000);
      system.item("WAIT-1", 1_000, 100);
      system
          .toInventory
          .on(HttpMethod.POST, "/batch/reservations")
          .delayAnswer(Duration.ofSeconds(1));

      Map<String, Reply> replies = placeOneAfterAnother(system, ida, "WAIT-1", "k-wait-", 12);

      assertThat(statuses(replies)).as(replies.toString()).containsOnly(201);
      assertThat(recordedKeys(system.ordersEnv.get("PG_URI"))).isEqualTo(replies.keySet());
    }
  }

  @Test
  @DisplayName(
      "past ORDER_MAX_WAITING orders waiting in the process, the next order is answered 202 as"
          + " soon as it is recorded, and its saga still goes through")
  void waitingIsBounded() throws Exception {
    try (OrdersFixture system =
        new OrdersFixture(
            Map.of(
                "HTTP_INSTANCES", "1",
                "ORDER_MAX_WAITING", "2",
                "ORDER_WAIT", "PT10S",
                "ORDER_CALL_TIMEOUT", "PT5S"))) {
      String ida = system.customer("Ida Bounded", 1_000_000);
      system.item("WAIT-2", 1_000, 100);
      system
          .toInventory
          .on(HttpMethod.POST, "/batch/reservations")
          .delayAnswer(Duration.ofSeconds(2));

      Map<String, Reply> replies = placeAtOnce(system, ida, "WAIT-2", "k-bound-", 10);

      List<Integer> statuses = statuses(replies);
      assertThat(statuses).as(replies.toString()).isSubsetOf(201, 202);
      assertThat(statuses.stream().filter(s -> s == 201).count())
          .as("answered with the outcome, i.e. waited for it: at most two at a time")
          .isLessThanOrEqualTo(2);
      for (Reply reply : replies.values()) {
        String id = reply.json().getString("id");
        assertThat(Commitments.assertAgree(system, id, Duration.ofSeconds(30)).status())
            .isEqualTo("CONFIRMED");
      }
    }
  }

  /**
   * {@code count} orders of one unit each, the next sent as soon as the last is recorded (not
   * answered), so the earlier ones are still waiting for their sagas; the replies by key.
   */
  private static Map<String, Reply> placeOneAfterAnother(
      OrdersFixture system, String customer, String sku, String keyPrefix, int count)
      throws Exception {
    Map<String, Reply> replies = new ConcurrentHashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(count);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String key = keyPrefix + i;
        sent.add(
            clients.submit(
                () -> replies.put(key, system.place(customer, key, order(customer, sku, 1)))));
        Eventually.assertWithin(
            Duration.ofSeconds(10),
            () ->
                assertThat(replies.containsKey(key) || recorded(system).contains(key))
                    .as("order %s recorded or answered", key)
                    .isTrue());
      }
      for (Future<?> f : sent) {
        f.get();
      }
    } finally {
      clients.shutdownNow();
    }
    return replies;
  }

  private static Set<String> recorded(OrdersFixture system) {
    try {
      return recordedKeys(system.ordersEnv.get("PG_URI"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code count} customers' requests sent together, one order of one unit each, by key. */
  private static Map<String, Reply> placeAtOnce(
      OrdersFixture system, String customer, String sku, String keyPrefix, int count)
      throws Exception {
    Map<String, Reply> replies = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService clients = Executors.newFixedThreadPool(count);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String key = keyPrefix + i;
        sent.add(
            clients.submit(
                () -> {
                  start.await();
                  return replies.put(key, system.place(customer, key, order(customer, sku, 1)));
                }));
      }
      start.countDown();
      for (Future<?> f : sent) {
        f.get();
      }
    } finally {
      clients.shutdownNow();
    }
    return replies;
  }

  private static List<Integer> statuses(Map<String, Reply> replies) {
    return replies.values().stream().map(Reply::status).toList();
  }

  private static Set<String> keysWith(Map<String, Integer> statusByKey, int status) {
    Set<String> keys = new HashSet<>();
    statusByKey.forEach(
        (key, s) -> {
          if (s == status) {
            keys.add(key);
          }
        });
    return keys;
  }

  private static Set<String> recordedKeys(String pgUri) throws Exception {
    Set<String> keys = new HashSet<>();
    try (Connection c = TestDb.connect(pgUri);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT idempotency_key FROM orders")) {
      while (rs.next()) {
        keys.add(rs.getString(1));
      }
    }
    return keys;
  }
}
