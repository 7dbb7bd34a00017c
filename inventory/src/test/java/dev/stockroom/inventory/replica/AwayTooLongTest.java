package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ForgedRecords.STOCKER;
import static dev.stockroom.inventory.replica.ForgedRecords.stockedItem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A copy whose consumers were all away longer than users.v1 keeps a deletion may never read that a
 * person was erased: the watermarks it applies after must not vouch for them.
 */
@DisplayName("A copy away longer than the topic keeps deletions")
class AwayTooLongTest {
  @Test
  @DisplayName(
      "after two days away, a person erased meanwhile is not vouched for by the watermarks"
          + " applied since, and the start's reconciliation removes them")
  void erasedWhileAway() {
    try (ReplicaFixture system = new ReplicaFixture(Map.of())) {
      String id = stockedItem(system, "AWAY-E", "Erased While Away");
      TestServices.stop(system.inventory);
      // What a copy away for two days finds: its watermarks and rows that old, and a deletion
      // compacted off the topic before it read it (here: never published, the person erased from
      // users' table directly).
      String pg = system.inventoryEnv.get("PG_URI");
      TestDb.execute(system.usersEnv.get("PG_URI"), "DELETE FROM users WHERE id = '" + id + "'");
      TestDb.execute(
          pg,
          "UPDATE replica_watermarks SET watermark = watermark - interval '2 days'"
              + " WHERE topic = 'users.v1' AND watermark > 'epoch'");
      TestDb.execute(pg, "UPDATE user_replica SET synced_at = synced_at - interval '2 days'");
      // The copy projected onto the items the person stocked, which the report reads.
      TestDb.execute(
          pg, "UPDATE items SET stocker_synced_at = stocker_synced_at - interval '2 days'");

      // First with users unreachable over HTTP (its events still flow): what the copy claims on
      // its own, before any reconciliation could repair it.
      Map<String, String> cut = new HashMap<>(system.inventoryEnv);
      cut.put("USERS_URL", "http://localhost:1");
      system.inventory = TestServices.start(e -> InventoryService.start(new Env(e)), cut);
      TestHttp isolated = new TestHttp(system.inventory.port());
      Eventually.assertWithin(
          Duration.ofSeconds(30),
          () ->
              assertThat(
                      TestDb.count(
                          pg,
                          "SELECT count(*) FROM replica_watermarks WHERE topic = 'users.v1'"
                              + " AND watermark > now() - interval '5 seconds'"))
                  .as("partitions watermarked since the restart")
                  .isPositive());
      // Each process reads the applied watermarks at least every second: read for three.
      Instant until = Instant.now().plusSeconds(3);
      int reads = 0;
      while (Instant.now().isBefore(until)) {
        JsonObject by = stockerOf(isolated);
        reads++;
        assertThat(by.getString("name")).isEqualTo("Erased While Away");
        assertThat(by.getJsonObject("freshness").getBoolean("stale"))
            .as(
                "read %d: the erased person's copy, next to watermarks applied since: %s",
                reads, by)
            .isTrue();
      }

      TestServices.stop(system.inventory);
      system.inventory =
          TestServices.start(e -> InventoryService.start(new Env(e)), system.inventoryEnv);
      Eventually.assertWithin(
          Duration.ofSeconds(30),
          () -> {
            assertThat(
                    TestDb.count(pg, "SELECT count(*) FROM user_replica WHERE id = '" + id + "'"))
                .as("the erased person's copy")
                .isZero();
            assertThat(
                    TestDb.count(
                        pg,
                        "SELECT count(*) FROM replica_fields WHERE replica = 'user_replica'"
                            + " AND backfilled >= since"))
                .as("a completed full pass")
                .isEqualTo(1);
          });
    }
  }

  private static JsonObject stockerOf(TestHttp inventory) {
    return ReplicaFixture.stockerOf(
        inventory.get("/items/low-stock?below=1000&limit=200", STOCKER), "AWAY-E");
  }
}
