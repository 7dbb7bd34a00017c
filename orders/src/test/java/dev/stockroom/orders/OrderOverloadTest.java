package dev.stockroom.orders;

import static dev.stockroom.orders.OrdersFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp.Reply;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
