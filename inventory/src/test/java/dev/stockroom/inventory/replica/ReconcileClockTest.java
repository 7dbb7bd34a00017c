package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ReplicaFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Reconciliation on the owner's clock")
class ReconcileClockTest {
  @Test
  @DisplayName(
      "rows reconciled from a page are current as of the owner's time for it, not this database's"
          + " clock (which may run ahead of the owner's, and of every token it hands out)")
  void pagesAreAsOfTheOwnersTime() {
    Vertx vertx = Vertx.vertx();
    String id = UUID.randomUUID().toString();
    // An owner whose clock runs ten minutes behind this database's.
    Instant ownersNow = Instant.now().minus(Duration.ofMinutes(10));
    JsonObject person =
        new JsonObject()
            .put("id", id)
            .put("name", "Behind Clock")
            .put("email", "behind@example.com")
            .put("phone", null)
            .put("version", 1);
    HttpServer owner =
        TestServices.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    request ->
                        request
                            .response()
                            .putHeader("Content-Type", "application/json")
                            .end(
                                new JsonObject()
                                    .put("users", new JsonArray().add(person))
                                    .put("missing", new JsonArray())
                                    .put("next", null)
                                    .put("asOf", ownersNow.toString())
                                    .encode()))
                .listen(0),
            Duration.ofSeconds(5));
    Map<String, String> env = TestServices.env("inventory");
    env.put("USERS_URL", "http://localhost:" + owner.actualPort());
    env.put("REPLICA_GROUP_ID", "inventory-clock-" + UUID.randomUUID());
    RunningService inventory = TestServices.start(e -> InventoryService.start(new Env(e)), env);
    // A person created at users just after the page was read, their event applied here: synced
    // after the owner's time for the page, but before this database's clock, ten minutes ahead.
    String createdMeanwhile = UUID.randomUUID().toString();
    TestDb.execute(
        env.get("PG_URI"),
        "INSERT INTO user_replica (id, name, version, synced_at) VALUES ('"
            + createdMeanwhile
            + "', 'Created Meanwhile', 1, '"
            + ownersNow.plusSeconds(1)
            + "')");
    try {
      TestHttp.Reply result =
          new TestHttp(inventory.port()).post("/admin/replica/reconcile", ADMIN, "");
      assertThat(result.status()).as(result.toString()).isEqualTo(200);
      assertThat(
              TestDb.text(
                  env.get("PG_URI"),
                  "SELECT synced_at <= '"
                      + ownersNow
                      + "'::timestamptz FROM user_replica WHERE id = '"
                      + id
                      + "'"))
          .as("the copy claims no more than the owner's page vouched for")
          .isEqualTo("t");
      assertThat(
              TestDb.count(
                  env.get("PG_URI"),
                  "SELECT count(*) FROM user_replica WHERE id = '" + createdMeanwhile + "'"))
          .as("not taken for a row the owner no longer has")
          .isEqualTo(1);
    } finally {
      TestServices.stop(inventory);
      vertx.close();
    }
  }
}
