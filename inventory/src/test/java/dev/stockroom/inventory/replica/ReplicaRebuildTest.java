package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ReplicaFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The operator's rebuild: the replica read again from the compacted topic while it serves. */
@DisplayName("Rebuilding the replica")
class ReplicaRebuildTest {
  @Test
  @DisplayName(
      "a lost row comes back and a corrupted one is rewritten from users.v1, while the report"
          + " keeps answering; the rebuild's progress shows in GET /admin/replica")
  void rebuildRestoresLostAndCorruptedRows() {
    try (ReplicaFixture system = new ReplicaFixture(Map.of())) {
      String lost = system.registerUser("Lost Row").getString("id");
      String corrupted = system.registerUser("Corrupted Row").getString("id");
      String pg = system.inventoryEnv.get("PG_URI");
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () ->
              assertThat(
                      TestDb.count(
                          pg,
                          "SELECT count(*) FROM user_replica WHERE id IN ('"
                              + lost
                              + "', '"
                              + corrupted
                              + "')"))
                  .isEqualTo(2));
      TestDb.execute(pg, "DELETE FROM user_replica WHERE id = '" + lost + "'");
      TestDb.execute(pg, "UPDATE user_replica SET name = 'Garbled' WHERE id = '" + corrupted + "'");

      TestHttp.Reply started = system.inventoryHttp.post("/admin/replica/rebuild", ADMIN, "");
      assertThat(started.status()).as(started.toString()).isEqualTo(202);
      assertThat(system.inventoryHttp.get("/items/low-stock", ADMIN).status())
          .as("serving meanwhile")
          .isEqualTo(200);
      Eventually.assertWithin(
          Duration.ofSeconds(60),
          () -> {
            JsonObject rebuild =
                system.inventoryHttp.get("/admin/replica", ADMIN).json().getJsonObject("rebuild");
            assertThat(rebuild.getString("state")).isEqualTo("done");
            assertThat(rebuild.getInteger("read")).isGreaterThanOrEqualTo(2);
          });
      assertThat(TestDb.text(pg, "SELECT name FROM user_replica WHERE id = '" + lost + "'"))
          .isEqualTo("Lost Row");
      assertThat(TestDb.text(pg, "SELECT name FROM user_replica WHERE id = '" + corrupted + "'"))
          .isEqualTo("Corrupted Row");
    }
  }
}
