package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ReplicaFixture.ADMIN;
import static dev.stockroom.inventory.replica.ReplicaFixture.stockerOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.replica.ConsistencyToken;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Reading your own writes across services")
class ReadYourWritesTest {
  private final String stocker = TestTokens.forRoles("reporter", "stocker");

  private Reply report(ReplicaFixture system, String token, String query) {
    return system.inventoryHttp.send(
        system
            .inventoryHttp
            .request("/items/low-stock?below=1000&limit=200" + query, stocker)
            .header(ConsistencyToken.HEADER, token)
            .GET()
            .build());
  }

  /** Renames the person at users; answers the consistency token the write handed out. */
  private static String rename(ReplicaFixture system, String id, String name) {
    Reply patched =
        system.usersHttp.patch("/users/" + id, ADMIN, new JsonObject().put("name", name), Map.of());
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    String token = patched.header(ConsistencyToken.HEADER);
    assertThat(token).as("the write hands out a token").isNotBlank();
    return token;
  }

  /** Until the report, read with the default budget, shows the name from the replica. */
  private void awaitName(ReplicaFixture system, String sku, String token, String name) {
    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () -> {
          JsonObject by = stockerOf(report(system, token, "&consistencyWait=PT1S"), sku);
          assertThat(by.getString("name")).isEqualTo(name);
          assertThat(by.getJsonObject("freshness").getString("source")).isEqualTo("replica");
        });
  }

  private static String seed(ReplicaFixture system, String sku, String name) {
    String id = system.registerUser(name).getString("id");
    system.createItem(sku, 0);
    assertThat(system.restock(sku, id, 1).status()).isEqualTo(201);
    return id;
  }

  @Test
  @DisplayName(
      "with the pipeline running, a read with the writer's token waits and sees the new name from"
          + " the replica")
  void waitsForTheReplica() {
    // A broker of its own: a record other tests parked on the shared one holds its person back,
    // and a filter with a token then rightly cannot vouch for the copy.
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of(), kafka)) {
      String id = seed(system, "RYW-1", "Nora Before");
      awaitName(system, "RYW-1", rename(system, id, "Nora Warmup"), "Nora Warmup");
      long ownerCalls = system.ownerListCalls();

      String token = rename(system, id, "Nora After");
      Reply read = report(system, token, "&consistencyWait=PT5S");

      JsonObject by = stockerOf(read, "RYW-1");
      assertThat(by.getString("name")).isEqualTo("Nora After");
      assertThat(by.getJsonObject("freshness").getString("source")).isEqualTo("replica");
      assertThat(read.json().getJsonObject("consistency"))
          .isEqualTo(new JsonObject().put("token", token).put("satisfied", true));
      assertThat(system.ownerListCalls())
          .as("answered by waiting, not by users")
          .isEqualTo(ownerCalls);

      // Filtered by the name just written: the filter waits for the copy, not only the rows.
      String renamedAgain = rename(system, id, "Nadia Final");
      Reply filtered = report(system, renamedAgain, "&stocker=nadia&consistencyWait=PT5S");
      assertThat(stockerOf(filtered, "RYW-1").getString("name")).isEqualTo("Nadia Final");
      assertThat(filtered.json().getJsonObject("consistency").getBoolean("satisfied")).isTrue();
    }
  }

  @Test
  @DisplayName(
      "with Kafka stopped, the token's read goes to users; with users down too it is flagged"
          + " stale, never silently older")
  void fallsBackWhenThePipelineStalls() {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of(), kafka)) {
      String id = seed(system, "RYW-2", "Omar Before");
      awaitName(system, "RYW-2", rename(system, id, "Omar Synced"), "Omar Synced");
      kafka.stop();
      String token = rename(system, id, "Omar After");
      Reply read = report(system, token, "");
      JsonObject by = stockerOf(read, "RYW-2");
      assertThat(by.getString("name")).isEqualTo("Omar After");
      assertThat(by.getJsonObject("freshness").getString("source")).isEqualTo("owner");
      assertThat(read.json().getJsonObject("consistency").getBoolean("satisfied")).isTrue();

      String later = rename(system, id, "Omar Unseen");
      TestServices.stop(system.users);
      Reply stale = report(system, later, "&consistencyWait=PT0.1S");
      JsonObject old = stockerOf(stale, "RYW-2");
      assertThat(old.getString("name")).isEqualTo("Omar After");
      assertThat(old.getJsonObject("freshness").getBoolean("stale")).isTrue();
      assertThat(stale.json().getJsonObject("consistency").getBoolean("satisfied")).isFalse();
    }
  }

  @Test
  @DisplayName(
      "filtered by the new name while the copy is behind the token: the item the copy still files"
          + " under the old name is missing, and the answer says the token is not met")
  void filterOnACopyBehindTheToken() {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of(), kafka)) {
      String id = seed(system, "RYW-4", "Bob Before");
      awaitName(system, "RYW-4", rename(system, id, "Bob Synced"), "Bob Synced");
      kafka.stop();
      String token = rename(system, id, "Zed After");

      Reply filtered = report(system, token, "&stocker=zed");

      assertThat(filtered.status()).as(filtered.toString()).isEqualTo(200);
      assertThat(filtered.json().getJsonArray("items")).as("the copy still says Bob").isEmpty();
      assertThat(filtered.json().getJsonObject("consistency").getBoolean("satisfied"))
          .as("a filter evaluated on a copy behind the token cannot vouch for what it left out")
          .isFalse();
      // One wait per read: the filter's wait for the copy and the rows' wait share it.
      long start = System.nanoTime();
      Reply waited = report(system, token, "&stocker=bob&consistencyWait=PT3S");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(waited.status()).isEqualTo(200);
      assertThat(took)
          .as("the wait asked for (3 s), once: not twice (6 s)")
          .isBetween(Duration.ofMillis(2900), Duration.ofMillis(5500));
    }
  }

  @Test
  @DisplayName(
      "a stocker who renamed themselves and restocks with the rename's token is audited under the"
          + " new name, even while the copy is behind")
  void restockAfterARename() {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of(), kafka)) {
      String id = seed(system, "RYW-5", "Rita Before");
      awaitName(system, "RYW-5", rename(system, id, "Rita Synced"), "Rita Synced");
      kafka.stop();
      String token = rename(system, id, "Rita After");

      // Without the token first (the owner's answer to the read with it is written back).
      assertThat(
              system
                  .restock("RYW-5", id, 1)
                  .json()
                  .getJsonObject("restock")
                  .getJsonObject("stockedBy")
                  .getString("name"))
          .as("without the token: the copy, within its budget")
          .isEqualTo("Rita Synced");
      Reply restocked =
          system.inventoryHttp.send(
              system
                  .inventoryHttp
                  .request("/items/RYW-5/restocks", TestTokens.forRoles(id, "stocker"))
                  .header("Content-Type", "application/json")
                  .header(ConsistencyToken.HEADER, token)
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          new JsonObject().put("quantity", 1).encode()))
                  .build());
      assertThat(restocked.status()).as(restocked.toString()).isEqualTo(201);
      assertThat(
              restocked
                  .json()
                  .getJsonObject("restock")
                  .getJsonObject("stockedBy")
                  .getString("name"))
          .isEqualTo("Rita After");
    }
  }

  @Test
  @DisplayName(
      "an old token costs nothing; one from the future or not a token at all is a 400 problem")
  void oldFutureAndForged() {
    try (ReplicaFixture system = new ReplicaFixture(Map.of())) {
      String id = seed(system, "RYW-3", "Pia Settled");
      String old = rename(system, id, "Pia Renamed");
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(
                      report(system, old, "&consistencyWait=PT0S")
                          .json()
                          .getJsonObject("consistency")
                          .getBoolean("satisfied"))
                  .isTrue());
      long ownerCalls = system.ownerListCalls();
      Reply again = report(system, old, "");
      assertThat(stockerOf(again, "RYW-3").getJsonObject("freshness").getString("source"))
          .isEqualTo("replica");
      assertThat(system.ownerListCalls()).isEqualTo(ownerCalls);

      String future = new ConsistencyToken(Instant.now().plus(Duration.ofHours(1))).encode();
      // "c1:-9223372036854775": a time before 1677, past what its encoding can hold (a 500).
      String ancient =
          java.util.Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString("c1:-9223372036854775".getBytes(StandardCharsets.US_ASCII));
      for (String bad : new String[] {future, "not-a-token", "YzE6eHl6", ancient}) {
        Reply refused = report(system, bad, "");
        assertThat(refused.status()).as(bad + ": " + refused).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      }
      Reply byQuery =
          system.inventoryHttp.get("/items/low-stock?below=1000&consistentWith=" + future, stocker);
      assertThat(byQuery.status()).isEqualTo(400);
      Reply badWait = report(system, old, "&consistencyWait=PT1M");
      assertThat(badWait.status()).isEqualTo(400);
      // A bad wait is a bad query value with or without a token (it was ignored without one).
      for (String wait : new String[] {"PT-1S", "PT1M", "soon"}) {
        Reply tokenless =
            system.inventoryHttp.get(
                "/items/low-stock?below=1000&consistencyWait=" + wait, stocker);
        assertThat(tokenless.status()).as(wait + ": " + tokenless).isEqualTo(400);
      }
    }
  }

  @Test
  @DisplayName(
      "filtered with a token while a person's change is parked: the copy cannot vouch for them,"
          + " even with every watermark past the token, until the owner vouches for them")
  void filterWithAPersonHeldBack() throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system =
            new ReplicaFixture(Map.of("REPLICA_MAX_VERSION_JUMP", "10"), kafka)) {
      String id = ForgedRecords.stockedItem(system, "RYW-5", "Held Back");
      // A rename to "Zed Parked" the copy parks (its version jumps too far): the copy says "Held".
      Instant since = ForgedRecords.sendVersionJump(kafka.bootstrapServers(), id, "Zed Parked");
      ForgedRecords.awaitParked(system, since, id, 1);
      String token = new ConsistencyToken(Instant.now()).encode();
      String pg = system.inventoryEnv.get("PG_URI");
      awaitWatermarksPast(pg, token);

      Reply filtered = report(system, token, "&stocker=zed&consistencyWait=PT1S");

      assertThat(filtered.status()).as(filtered.toString()).isEqualTo(200);
      assertThat(filtered.json().getJsonArray("items")).as("the copy still says Held").isEmpty();
      assertThat(filtered.json().getJsonObject("consistency").getBoolean("satisfied"))
          .as("the parked rename may be the one the filter needed")
          .isFalse();

      // The owner's answer written back vouches for the row: the hold ends (here a read that asks
      // users every time; a reconciliation does the same), for a person who never changes again.
      Reply asked =
          system.inventoryHttp.get(
              "/items/low-stock?below=1000&limit=200&maxStaleness=PT0S", stocker);
      assertThat(stockerOf(asked, "RYW-5").getJsonObject("freshness").getString("source"))
          .isEqualTo("owner");
      String later = new ConsistencyToken(Instant.now()).encode();
      awaitWatermarksPast(pg, later);
      Reply vouched = report(system, later, "&stocker=held&consistencyWait=PT1S");
      assertThat(stockerOf(vouched, "RYW-5").getString("name")).isEqualTo("Held Back");
      assertThat(vouched.json().getJsonObject("consistency").getBoolean("satisfied"))
          .as("the owner vouched for the person after the parked change")
          .isTrue();

      // The person's next change applies (version 2), and the copy vouches for it.
      String renamed = rename(system, id, "Zed Applied");
      Reply again = report(system, renamed, "&stocker=zed&consistencyWait=PT5S");
      assertThat(stockerOf(again, "RYW-5").getString("name")).isEqualTo("Zed Applied");
      assertThat(again.json().getJsonObject("consistency").getBoolean("satisfied")).isTrue();
    }
  }

  @Test
  @DisplayName(
      "a filter's claim over the whole copy waits for every partition the consumer was given,"
          + " also one whose first watermark it has not read yet")
  void filterWithAPartitionNotYetWatermarked() throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of(), kafka)) {
      String id = ForgedRecords.stockedItem(system, "RYW-7", "Quiet Partition");
      String token = rename(system, id, "Zed Quiet");
      String pg = system.inventoryEnv.get("PG_URI");
      awaitWatermarksPast(pg, token);
      // The owner stops (no watermark is published any more) and its topic grows a partition:
      // one this copy has no watermark of, as for every partition while a new copy catches up.
      TestServices.stop(system.users);
      system.users = null;
      try (Admin admin =
          Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createPartitions(Map.of("users.v1", NewPartitions.increaseTo(4))).all().get();
      }
      TestServices.stop(system.inventory);
      system.inventory =
          TestServices.start(e -> InventoryService.start(new Env(e)), system.inventoryEnv);
      TestHttp inventory = new TestHttp(system.inventory.port());
      Eventually.assertWithin(
          Duration.ofSeconds(30),
          () ->
              assertThat(inventory.get("/metrics", null).body())
                  .as("the consumer reads partition 3")
                  .containsPattern(
                      "(?m)^replica_consumer_lag_records\\{[^}]*partition=\"3\"[^}]*} 0\\.0$"));

      Reply filtered =
          inventory.send(
              inventory
                  .request(
                      "/items/low-stock?below=1000&limit=200&stocker=zed&consistencyWait=PT1S",
                      stocker)
                  .header(ConsistencyToken.HEADER, token)
                  .GET()
                  .build());

      assertThat(filtered.status()).as(filtered.toString()).isEqualTo(200);
      assertThat(stockerOf(filtered, "RYW-7").getString("name")).isEqualTo("Zed Quiet");
      assertThat(filtered.json().getJsonObject("consistency").getBoolean("satisfied"))
          .as("partition 3's people may be missing from the copy: " + filtered.json())
          .isFalse();
    }
  }

  @Test
  @DisplayName(
      "a person whose first change was parked (no copy to hold back) keeps a filter's claim over"
          + " the whole copy from being vouched for, until a reconciliation has read the owner")
  void filterWithAFirstChangeParked() throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of(), kafka)) {
      ForgedRecords.stockedItem(system, "RYW-8", "Zed Known");
      String stranger = UUID.randomUUID().toString();
      Instant since = Instant.now().minusSeconds(1);
      try (KafkaProducer<String, byte[]> producer =
          ForgedRecords.producer(kafka.bootstrapServers())) {
        producer.send(ForgedRecords.poisonUpdate(stranger, 1)).get();
      }
      ForgedRecords.awaitParked(system, since, stranger, 1);
      String token = new ConsistencyToken(Instant.now()).encode();
      String pg = system.inventoryEnv.get("PG_URI");
      awaitWatermarksPast(pg, token);

      Reply filtered = report(system, token, "&stocker=zed&consistencyWait=PT1S");

      assertThat(filtered.status()).as(filtered.toString()).isEqualTo(200);
      assertThat(filtered.json().getJsonObject("consistency").getBoolean("satisfied"))
          .as("the parked first change may be the one the filter needs")
          .isFalse();

      // The pass reads the owner after the hold: no such person there, and the hold ends.
      Reply pass = system.inventoryHttp.post("/admin/replica/reconcile", ADMIN, "");
      assertThat(pass.status()).as(pass.toString()).isEqualTo(200);
      String later = new ConsistencyToken(Instant.now()).encode();
      awaitWatermarksPast(pg, later);
      Reply vouched = report(system, later, "&stocker=zed&consistencyWait=PT1S");
      assertThat(stockerOf(vouched, "RYW-8").getString("name")).isEqualTo("Zed Known");
      assertThat(vouched.json().getJsonObject("consistency").getBoolean("satisfied")).isTrue();
    }
  }

  @Test
  @DisplayName(
      "a write that changes nothing hands out a token the copy meets at once, not at the next"
          + " periodic watermark")
  void unchangedWriteIsMetAtOnce() {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system =
            new ReplicaFixture(Map.of(), Map.of("WATERMARK_INTERVAL", "PT5S"), kafka)) {
      String pg = system.inventoryEnv.get("PG_URI");
      String id = seed(system, "RYW-9", "Ned Before");
      awaitName(system, "RYW-9", rename(system, id, "Ned Kept"), "Ned Kept");
      // Just after a periodic watermark: the next one is five seconds away.
      awaitWatermarksPast(pg, new ConsistencyToken(Instant.now()).encode());

      String token = rename(system, id, "Ned Kept");
      Reply filtered = report(system, token, "&stocker=ned&consistencyWait=PT1S");

      assertThat(stockerOf(filtered, "RYW-9").getString("name")).isEqualTo("Ned Kept");
      // Before: nothing was published, so no watermark reached the token within the wait.
      assertThat(filtered.json().getJsonObject("consistency").getBoolean("satisfied")).isTrue();
    }
  }

  /** Until every partition of the copy has a watermark at or past {@code token}. */
  private static void awaitWatermarksPast(String pg, String token) {
    Eventually.assertWithin(
        Duration.ofSeconds(15),
        () ->
            assertThat(
                    TestDb.count(
                        pg,
                        "SELECT count(*) FROM replica_watermarks WHERE topic = 'users.v1'"
                            + " AND watermark >= '"
                            + ConsistencyToken.parse(token).at()
                            + "'::timestamptz"))
                .as("every partition's watermark past the token")
                .isEqualTo(3));
  }
}
