package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ReplicaFixture.ADMIN;
import static dev.stockroom.inventory.replica.ReplicaFixture.stockerOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.replica.ConsistencyToken;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FaultyTcpProxy;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
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
 * Concurrent reads asking the owner for the same person share one call. A read with a consistency
 * token must not take an answer the owner gave before the token's write as its own.
 */
@DisplayName("Owner calls shared between reads")
class OwnerCoalescingTest {
  private final String stocker = TestTokens.forRoles("reporter", "stocker");

  @Test
  @DisplayName(
      "a read with a token that joins an owner call sent before the write asks again, and sees"
          + " the write")
  void tokenReadDoesNotTakeAnOlderAnswer() throws Exception {
    try (ReplicaFixture system = new ReplicaFixture(Map.of());
        FaultyTcpProxy owner = FaultyTcpProxy.to(system.users.port())) {
      String id = ForgedRecords.stockedItem(system, "COALESCE-1", "Before Rename");
      TestServices.stop(system.inventory);
      system.inventoryEnv.put("USERS_URL", "http://localhost:" + owner.port());
      // A slow owner, not a failing one: its answers arrive within the call's timeout.
      system.inventoryEnv.put("REPLICA_FALLBACK_TIMEOUT", "PT10S");
      system.inventory =
          TestServices.start(e -> InventoryService.start(new Env(e)), system.inventoryEnv);
      TestHttp inventory = new TestHttp(system.inventory.port());
      String page = "/items/low-stock?below=1000&limit=200";

      try (Connection copy = TestDb.connect(system.inventoryEnv.get("PG_URI"));
          Statement sql = copy.createStatement()) {
        // The copy cannot take the rename while this transaction holds the person's row.
        copy.setAutoCommit(false);
        sql.execute("SELECT 1 FROM user_replica WHERE id = '" + id + "' FOR UPDATE");

        // A read that asks the owner (PT0S): users answers at once, the answer is held back.
        owner.delay(Duration.ofSeconds(3));
        CompletableFuture<TestHttp.Reply> asking =
            CompletableFuture.supplyAsync(
                () -> inventory.get(page + "&maxStaleness=PT0S", stocker));
        Eventually.assertWithin(
            Duration.ofSeconds(5), () -> assertThat(owner.delayed()).isPositive());

        // The rename, and a read with its token while that call is still in flight.
        TestHttp.Reply renamed =
            system.usersHttp.patch(
                "/users/" + id, ADMIN, new JsonObject().put("name", "After Rename"), Map.of());
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
        String token = renamed.header(ConsistencyToken.HEADER);
        CompletableFuture<TestHttp.Reply> withToken =
            CompletableFuture.supplyAsync(
                () ->
                    inventory.send(
                        inventory
                            .request(page + "&consistencyWait=PT0S", stocker)
                            .header(ConsistencyToken.HEADER, token)
                            .GET()
                            .build()));
        // Both reads' answers came back from users (and wait to write to the locked row).
        Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(owner.delayed()).isZero());
        owner.delay(Duration.ZERO);
        copy.rollback();

        TestHttp.Reply reply = withToken.get(20, TimeUnit.SECONDS);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonObject by = stockerOf(reply, "COALESCE-1");
        assertThat(by.getString("name")).as(reply.json().toString()).isEqualTo("After Rename");
        assertThat(reply.json().getJsonObject("consistency").getBoolean("satisfied")).isTrue();
        assertThat(asking.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
    }
  }
}
