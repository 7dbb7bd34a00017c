package dev.stockroom.inventory.reservations;

import static dev.stockroom.inventory.reservations.ReservationTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.TestDb;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Reservations under concurrency")
class ReservationConcurrencyTest {
  private ReservationTestSupport inventory;

  @BeforeAll
  void start() {
    inventory = ReservationTestSupport.start("inventory_reservation_races");
  }

  @AfterAll
  void stop() {
    inventory.close();
  }

  private static <T> List<T> runConcurrently(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<T> results = new ArrayList<>();
      for (Future<T> f : pool.invokeAll(tasks)) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdown();
    }
  }

  @Test
  @DisplayName("200 concurrent single-unit reservations against a stock of 50: exactly 50 succeed")
  void noOversell() throws Exception {
    String sku = inventory.item("rush", 100, 50);
    List<Callable<Integer>> attempts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String id = "rush-" + i + "-" + UUID.randomUUID();
      attempts.add(() -> inventory.reserve(request(id, 600, sku, 1)).status());
    }
    List<Integer> statuses = runConcurrently(attempts);
    assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(50);
    assertThat(statuses.stream().filter(s -> s == 409).count()).isEqualTo(150);
    JsonObject item = inventory.stock(sku);
    assertThat(item.getInteger("reserved")).isEqualTo(50);
    assertThat(item.getInteger("available")).isZero();
    assertThat(
            TestDb.count(
                inventory.pgUri,
                "SELECT count(*) FROM reservations WHERE reservation_id LIKE 'rush-%'"))
        .as("a refused reservation leaves no row")
        .isEqualTo(50);
  }

  @Test
  @DisplayName(
      "concurrent multi-SKU reserves, confirms and releases over shared SKUs never fail and"
          + " conserve the stock")
  void mixedTraffic() throws Exception {
    String x = inventory.item("mix-x", 100, 30);
    String y = inventory.item("mix-y", 100, 30);
    String z = inventory.item("mix-z", 100, 30);
    // Overlapping SKU sets given in different orders: locking in request order would deadlock.
    List<Object[]> shapes =
        List.of(
            new Object[] {x, 1, y, 2}, new Object[] {z, 1, y, 1}, new Object[] {z, 2, x, 1, y, 1});
    List<Callable<Map<String, Integer>>> tasks = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      String id = "mix-" + i;
      Object[] lines = shapes.get(i % shapes.size());
      boolean sell = i % 2 == 0;
      tasks.add(
          () -> {
            int reserved = inventory.reserve(request(id, 600, lines)).status();
            if (reserved != 201) {
              return Map.of("reserve", reserved);
            }
            int settled = sell ? inventory.confirm(id).status() : inventory.release(id).status();
            return Map.of("reserve", reserved, sell ? "confirm" : "release", settled);
          });
    }
    List<Map<String, Integer>> outcomes = runConcurrently(tasks);

    Map<String, Integer> sold = new HashMap<>(Map.of(x, 0, y, 0, z, 0));
    for (int i = 0; i < outcomes.size(); i++) {
      Map<String, Integer> outcome = outcomes.get(i);
      assertThat(outcome.get("reserve")).as("reserve %d", i).isIn(201, 409);
      if (outcome.containsKey("confirm")) {
        assertThat(outcome.get("confirm")).as("confirm %d", i).isEqualTo(200);
        Object[] lines = shapes.get(i % shapes.size());
        for (int l = 0; l < lines.length; l += 2) {
          sold.merge((String) lines[l], (Integer) lines[l + 1], Integer::sum);
        }
      }
      if (outcome.containsKey("release")) {
        assertThat(outcome.get("release")).as("release %d", i).isEqualTo(204);
      }
    }
    assertThat(outcomes).anyMatch(o -> o.get("reserve") == 201);
    for (String sku : List.of(x, y, z)) {
      JsonObject item = inventory.stock(sku);
      assertThat(item.getInteger("reserved")).as(sku).isZero();
      assertThat(item.getInteger("quantity")).as(sku).isEqualTo(30 - sold.get(sku));
    }
  }
}
