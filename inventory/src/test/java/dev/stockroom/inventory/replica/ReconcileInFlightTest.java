package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ReplicaFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FaultyTcpProxy;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A registration whose transaction is still open while a reconciliation reads the owner's pages:
 * its event is written (and timed) before the pass starts, but it commits, and reaches the copy,
 * only after the page that would have held the person was read.
 */
@DisplayName("Reconciliation against a registration in flight")
class ReconcileInFlightTest {
  private static final long STALL_LOCK = 4242;

  @Test
  @DisplayName(
      "a person whose registration committed after the pass read their page, and whose copy"
          + " arrived before the pass ended, keeps the copy: the owner has them")
  void personCommittedDuringThePassIsKept() throws Exception {
    try (ReplicaFixture system = new ReplicaFixture(Map.of());
        FaultyTcpProxy owner = FaultyTcpProxy.to(system.users.port());
        Connection stall = TestDb.connect(system.usersEnv.get("PG_URI"))) {
      // The owner's calls through a link that can hold their answers back.
      TestServices.stop(system.inventory);
      system.inventoryEnv.put("USERS_URL", "http://localhost:" + owner.port());
      system.inventory =
          TestServices.start(e -> InventoryService.start(new Env(e)), system.inventoryEnv);
      RunningService inventory = system.inventory;
      String copyDb = system.inventoryEnv.get("PG_URI");
      try (Statement sql = stall.createStatement()) {
        // A registration that waits, after its event is written, for a lock this test holds.
        sql.execute(
            "CREATE FUNCTION test_stall() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM"
                + " pg_advisory_xact_lock_shared("
                + STALL_LOCK
                + "); RETURN NEW; END $$");
        sql.execute(
            "CREATE TRIGGER test_stall AFTER INSERT ON outbox FOR EACH ROW WHEN"
                + " (NEW.event_type LIKE '%registered') EXECUTE FUNCTION test_stall()");
        sql.execute("SELECT pg_advisory_lock(" + STALL_LOCK + ")");
        CompletableFuture<JsonObject> registration =
            CompletableFuture.supplyAsync(() -> system.registerUser("Slow Commit"));
        Eventually.assertWithin(
            Duration.ofSeconds(10),
            () ->
                assertThat(
                        TestDb.count(
                            system.usersEnv.get("PG_URI"),
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                + " AND NOT granted"))
                    .isEqualTo(1));

        // The pass reads its page now (the registration not yet committed); its answer is held.
        owner.delay(Duration.ofSeconds(10));
        CompletableFuture<TestHttp.Reply> pass =
            CompletableFuture.supplyAsync(
                () -> new TestHttp(inventory.port()).post("/admin/replica/reconcile", ADMIN, ""));
        Eventually.assertWithin(
            Duration.ofSeconds(10), () -> assertThat(owner.delayed()).isPositive());

        // The registration commits, and its event reaches the copy while the page is in transit.
        sql.execute("SELECT pg_advisory_unlock(" + STALL_LOCK + ")");
        String id = registration.get(20, TimeUnit.SECONDS).getString("id");
        Eventually.assertWithin(
            Duration.ofSeconds(8),
            () ->
                assertThat(
                        TestDb.count(
                            copyDb, "SELECT count(*) FROM user_replica WHERE id = '" + id + "'"))
                    .isEqualTo(1));
        assertThat(owner.delayed())
            .as("the copy arrived while the pass's page was still held back")
            .isPositive();

        TestHttp.Reply result = pass.get(30, TimeUnit.SECONDS);
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        assertThat(
                TestDb.count(copyDb, "SELECT count(*) FROM user_replica WHERE id = '" + id + "'"))
            .as("a person the owner has is not removed from the copy: " + result.json())
            .isEqualTo(1);
      } finally {
        owner.delay(Duration.ZERO);
        TestDb.execute(
            system.usersEnv.get("PG_URI"), "DROP TRIGGER IF EXISTS test_stall ON outbox");
      }
    }
  }
}
