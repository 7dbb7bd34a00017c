package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ReplicaFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Replica consumers in a group")
class ReplicaRebalanceTest {

  @Test
  @DisplayName(
      "two inventory instances share the partitions; when one stops the other takes over and nothing is lost")
  void rebalanceLosesNothing() {
    try (ReplicaFixture system = new ReplicaFixture(Map.of())) {
      Map<String, String> secondEnv = new HashMap<>(system.inventoryEnv);
      secondEnv.put("HTTP_PORT", Integer.toString(TestServices.freePort()));
      RunningService second =
          TestServices.start(e -> InventoryService.start(new Env(e)), secondEnv);
      List<String> ids = new ArrayList<>();
      try {
        for (int i = 0; i < 30; i++) {
          ids.add(system.registerUser("Group Member " + i).getString("id"));
        }
        TestServices.stop(system.inventory);
        for (int i = 0; i < ids.size(); i++) {
          system.usersHttp.patch(
              "/users/" + ids.get(i), ADMIN, new JsonObject().put("name", "Moved " + i), Map.of());
        }
        String pg = system.inventoryEnv.get("PG_URI");
        Eventually.assertWithin(
            Duration.ofSeconds(30),
            () ->
                assertThat(
                        TestDb.count(
                            pg,
                            "SELECT count(*) FROM user_replica WHERE name LIKE 'Moved %' AND version = 2"))
                    .isEqualTo(ids.size()));
      } finally {
        TestServices.stop(second);
      }
    }
  }

  @Test
  @DisplayName(
      "an instance stopped while its group rebalances (another one just restarted) ends within"
          + " its bound")
  void stopDuringRebalance() {
    try (ReplicaFixture system = new ReplicaFixture(Map.of())) {
      Map<String, String> secondEnv = new HashMap<>(system.inventoryEnv);
      secondEnv.put("HTTP_PORT", Integer.toString(TestServices.freePort()));
      RunningService second =
          TestServices.start(e -> InventoryService.start(new Env(e)), secondEnv);
      for (int i = 0; i < 10; i++) {
        system.registerUser("Rebalanced " + i);
      }
      String pg = system.inventoryEnv.get("PG_URI");
      Eventually.assertWithin(
          Duration.ofSeconds(30),
          () ->
              assertThat(
                      TestDb.count(
                          pg, "SELECT count(*) FROM user_replica WHERE name LIKE 'Rebalanced %'"))
                  .isEqualTo(10));
      // The first instance leaves and comes back: the group rebalances twice.
      TestServices.stop(system.inventory);
      system.inventory =
          TestServices.start(e -> InventoryService.start(new Env(e)), system.inventoryEnv);

      long start = System.nanoTime();
      TestServices.stop(second);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("stop took").isLessThan(second.bound());
    }
  }

  @Test
  @DisplayName("an instance stopped while the broker is away ends within its bound")
  void stopWithoutBroker() {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of(), kafka)) {
      system.registerUser("Broker Gone");
      kafka.stop();
      long start = System.nanoTime();
      TestServices.stop(system.inventory);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).as("stop took").isLessThan(system.inventory.bound());
    }
  }

  @Test
  @DisplayName(
      "each instance's consumer-lag gauges follow the partitions it holds: after a rebalance none"
          + " reports a partition the other took (its last value stayed, and alerted, for good)")
  void lagGaugesFollowTheAssignment() {
    try (ReplicaFixture system = new ReplicaFixture(Map.of())) {
      system.registerUser("Lag Watcher");
      Eventually.assertWithin(
          Duration.ofSeconds(30), () -> assertThat(lagPartitions(system.inventoryHttp)).hasSize(3));
      Map<String, String> secondEnv = new HashMap<>(system.inventoryEnv);
      secondEnv.put("HTTP_PORT", Integer.toString(TestServices.freePort()));
      RunningService second =
          TestServices.start(e -> InventoryService.start(new Env(e)), secondEnv);
      try {
        TestHttp other = new TestHttp(second.port());
        Eventually.assertWithin(
            Duration.ofSeconds(60),
            () -> {
              Set<String> first = lagPartitions(system.inventoryHttp);
              Set<String> taken = lagPartitions(other);
              assertThat(taken).as("the second instance's partitions").isNotEmpty();
              assertThat(first).as("the first instance's partitions").isNotEmpty();
              assertThat(first).doesNotContainAnyElementsOf(taken);
            });
      } finally {
        TestServices.stop(second);
      }
    }
  }

  /** The partitions an instance reports a consumer lag for. */
  private static Set<String> lagPartitions(TestHttp http) {
    Set<String> partitions = new TreeSet<>();
    Matcher m =
        Pattern.compile(
                "^replica_consumer_lag_records\\{[^}]*partition=\"(\\d+)\"", Pattern.MULTILINE)
            .matcher(http.get("/metrics", null).body());
    while (m.find()) {
      partitions.add(m.group(1));
    }
    return partitions;
  }
}
