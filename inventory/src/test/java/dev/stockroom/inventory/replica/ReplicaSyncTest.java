package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ReplicaFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestInfra;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.common.testing.TestTopics;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.inventory.ReportContract;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The user replica in inventory")
class ReplicaSyncTest {
  private ReplicaFixture system;
  private final String stocker = TestTokens.forRoles("reporter", "stocker");

  @BeforeAll
  void start() {
    system = new ReplicaFixture(Map.of());
  }

  @AfterAll
  void stop() {
    system.close();
  }

  private JsonObject reportRow(String sku) {
    TestHttp.Reply report =
        system.inventoryHttp.get("/items/low-stock?below=1000&limit=200", stocker);
    ReportContract.conforms(report);
    return report.array("items").stream()
        .map(JsonObject.class::cast)
        .filter(i -> i.getString("sku").equals(sku))
        .findFirst()
        .orElseThrow();
  }

  @Test
  @DisplayName("a user renamed at users shows the new name in the low-stock report within 2 s")
  void renamePropagates() {
    String id = system.registerUser("Linus Stocker").getString("id");
    system.createItem("RENAME-1", 0);
    assertThat(system.restock("RENAME-1", id, 2).status()).isEqualTo(201);
    system.usersHttp.patch(
        "/users/" + id, ADMIN, new JsonObject().put("name", "Linus Restocker"), Map.of());
    Eventually.assertWithin(
        Duration.ofSeconds(2),
        () -> {
          JsonObject by = reportRow("RENAME-1").getJsonObject("lastStockedBy");
          assertThat(by.getString("name")).isEqualTo("Linus Restocker");
          assertThat(by.getJsonObject("freshness").getString("source")).isEqualTo("replica");
        });
    JsonObject audit =
        system
            .inventoryHttp
            .get("/items/RENAME-1/restocks", stocker)
            .array("restocks")
            .getJsonObject(0);
    assertThat(audit.getJsonObject("stockedBy").getString("name"))
        .as("the audit keeps the name as it was")
        .isEqualTo("Linus Stocker");
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () ->
            assertThat(system.inventoryHttp.get("/metrics", null).body())
                .as("the consumer's lag per partition, every one caught up")
                .containsPattern(
                    "(?m)^replica_consumer_lag_records\\{[^}]*partition=\"[0-9]+\"[^}]*} 0\\.0$")
                .doesNotContainPattern(
                    "(?m)^replica_consumer_lag_records\\{[^}]*partition=\"[0-9]+\"[^}]*}"
                        + " (?!0\\.0$)\\S+$"));
  }

  @Test
  @DisplayName(
      "a quiet copy in the report is vouched for by each watermark applied since: its asOf moves"
          + " on past its own sync time (the report passes the applied watermarks, not a join)")
  void quietCopyFollowsTheWatermarks() {
    String id = system.registerUser("Quiet Copy").getString("id");
    system.createItem("QUIET-1", 0);
    assertThat(system.restock("QUIET-1", id, 1).status()).isEqualTo(201);
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> first =
        new java.util.concurrent.atomic.AtomicReference<>();
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () -> {
          JsonObject freshness =
              reportRow("QUIET-1").getJsonObject("lastStockedBy").getJsonObject("freshness");
          assertThat(freshness.getString("source")).isEqualTo("replica");
          first.set(java.time.Instant.parse(freshness.getString("asOf")));
        });
    // Nothing changes the person: only watermarks (one a WATERMARK_INTERVAL, 1 s) move the claim.
    Eventually.assertWithin(
        Duration.ofSeconds(15),
        () -> {
          JsonObject freshness =
              reportRow("QUIET-1").getJsonObject("lastStockedBy").getJsonObject("freshness");
          assertThat(freshness.getString("source")).isEqualTo("replica");
          assertThat(java.time.Instant.parse(freshness.getString("asOf")))
              .isAfter(first.get().plusMillis(2_500));
        });
  }

  @Test
  @DisplayName(
      "the stocker filter finds a name however its accents were typed (names are stored NFC)")
  void filterIgnoresHowAccentsWereTyped() {
    String id = system.registerUser("Emile Accent").getString("id");
    system.usersHttp.patch(
        "/users/" + id, ADMIN, new JsonObject().put("name", "\u00c9mile Accent"), Map.of());
    system.createItem("ACCENT-1", 0);
    assertThat(system.restock("ACCENT-1", id, 1).status()).isEqualTo(201);
    for (String typed : new String[] {"%C3%89mile", "E%CC%81mile", "e%CC%81MILE"}) {
      awaitFoundBy(typed, "ACCENT-1");
    }
  }

  /** Until the report filtered by {@code stocker} (percent-encoded) lists {@code sku}. */
  private void awaitFoundBy(String stockerPrefix, String sku) {
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () ->
            assertThat(
                    system
                        .inventoryHttp
                        .get("/items/low-stock?below=1000&stocker=" + stockerPrefix, stocker)
                        .array("items")
                        .stream()
                        .map(i -> ((JsonObject) i).getString("sku")))
                .as(sku + " by " + stockerPrefix)
                .contains(sku));
  }

  @Test
  @DisplayName(
      "the stocker filter folds case once, as the database does for the names: a final capital"
          + " sigma or a dotted capital I finds the name")
  void filterFoldsCaseOnce() {
    // Java folded the prefix (final sigma, "i" and a combining dot), the database the names.
    String[][] cases = {
      {"\u039f\u03b4\u03bf\u03c3\u03c3\u03ad\u03b1\u03c2", "%CE%9F%CE%94%CE%9F%CE%A3", "FOLD-1"},
      {"\u0130lker Fold", "%C4%B0l", "FOLD-2"}
    };
    for (String[] c : cases) {
      String id = system.registerUser("Fold " + c[2]).getString("id");
      system.usersHttp.patch("/users/" + id, ADMIN, new JsonObject().put("name", c[0]), Map.of());
      system.createItem(c[2], 0);
      assertThat(system.restock(c[2], id, 1).status()).isEqualTo(201);
      awaitFoundBy(c[1], c[2]);
    }
  }

  @Test
  @DisplayName("a deleted user's name, email and phone disappear from the report and the copy")
  void deletionErases() {
    String id = system.registerUser("Erased Person").getString("id");
    system.createItem("ERASE-1", 0);
    system.restock("ERASE-1", id, 1);
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () ->
            assertThat(reportRow("ERASE-1").getJsonObject("lastStockedBy").getString("name"))
                .isEqualTo("Erased Person"));
    system.usersHttp.delete("/users/" + id, ADMIN);
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () -> {
          JsonObject by = reportRow("ERASE-1").getJsonObject("lastStockedBy");
          assertThat(by.getString("id")).isEqualTo(id);
          assertThat(by.containsKey("name")).isFalse();
          assertThat(by.containsKey("email")).isFalse();
          assertThat(by.containsKey("phone")).isFalse();
        });
    assertThat(
            TestDb.count(
                system.inventoryEnv.get("PG_URI"),
                "SELECT count(*) FROM user_replica WHERE id = '"
                    + id
                    + "' AND (name IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL)"))
        .isZero();
  }

  @Test
  @DisplayName(
      "duplicated, reordered and poison events are harmless; poison lands in the dead-letter topic")
  void duplicatesReorderingPoison() throws Exception {
    String id = system.registerUser("Steady State").getString("id");
    system.usersHttp.patch(
        "/users/" + id, ADMIN, new JsonObject().put("name", "Steady State v2"), Map.of());
    system.createItem("DUP-1", 0);
    system.restock("DUP-1", id, 1);
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () ->
            assertThat(reportRow("DUP-1").getJsonObject("lastStockedBy").getString("name"))
                .isEqualTo("Steady State v2"));

    Properties props = new Properties();
    props.put("bootstrap.servers", TestInfra.kafka().bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      // An old version arriving late (reordered / duplicated): must not win.
      producer
          .send(
              event(
                  id,
                  "stockroom.user.updated",
                  new JsonObject().put("id", id).put("name", "Stale Name").put("version", 1)))
          .get();
      // Poison: not JSON, and an unknown event type.
      ProducerRecord<String, byte[]> garbage =
          new ProducerRecord<>("users.v1", id, "{not json".getBytes(StandardCharsets.UTF_8));
      garbage
          .headers()
          .add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))
          .add("ce_type", "stockroom.user.updated".getBytes(StandardCharsets.UTF_8));
      producer.send(garbage).get();
      producer
          .send(
              event(
                  id, "stockroom.user.exploded", new JsonObject().put("id", id).put("version", 9)))
          .get();
    }
    system.usersHttp.patch(
        "/users/" + id, ADMIN, new JsonObject().put("name", "Steady State v3"), Map.of());
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () ->
            assertThat(reportRow("DUP-1").getJsonObject("lastStockedBy").getString("name"))
                .isEqualTo("Steady State v3"));

    try (TestTopics dlq = new TestTopics(InventoryService.USERS.dlqTopic())) {
      var parked =
          dlq
              .readUntil(
                  Duration.ofSeconds(10),
                  rs -> rs.stream().filter(r -> id.equals(r.key())).count() >= 2)
              .stream()
              .filter(r -> id.equals(r.key()))
              .toList();
      assertThat(parked)
          .allSatisfy(r -> assertThat(TestTopics.header(r, "dlq_reason")).isNotBlank());
      assertThat(parked.stream().map(r -> TestTopics.header(r, "dlq_reason")))
          .anyMatch(reason -> reason.contains("unknown event type"));
    }
  }

  private static ProducerRecord<String, byte[]> event(String id, String type, JsonObject data) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>("users.v1", id, data.encode().getBytes(StandardCharsets.UTF_8));
    record
        .headers()
        .add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))
        .add("ce_type", type.getBytes(StandardCharsets.UTF_8))
        .add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))
        .add("ce_source", "/test".getBytes(StandardCharsets.UTF_8));
    return record;
  }

  @Test
  @DisplayName("a new consumer group bootstraps the whole copy from the compacted topic")
  void bootstrapFromTopic() {
    String id = system.registerUser("Early Bird").getString("id");
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () ->
            assertThat(
                    TestDb.count(
                        system.inventoryEnv.get("PG_URI"),
                        "SELECT count(*) FROM user_replica WHERE id = '" + id + "'"))
                .isEqualTo(1));
    Map<String, String> env = TestServices.env("inventory_bootstrap");
    env.put("USERS_URL", "http://localhost:1");
    env.put("REPLICA_GROUP_ID", "inventory-bootstrap-" + UUID.randomUUID());
    RunningService fresh = TestServices.start(e -> InventoryService.start(new Env(e)), env);
    try {
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () ->
              assertThat(
                      TestDb.count(
                          env.get("PG_URI"),
                          "SELECT count(*) FROM user_replica WHERE id = '"
                              + id
                              + "' AND name = 'Early Bird'"))
                  .isEqualTo(1));
    } finally {
      TestServices.stop(fresh);
    }
  }

  @Test
  @DisplayName("reconciliation repairs a divergence written straight into the replica table")
  void reconciliation() {
    String id = system.registerUser("Truthful Tim").getString("id");
    String pg = system.inventoryEnv.get("PG_URI");
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () ->
            assertThat(
                    TestDb.count(pg, "SELECT count(*) FROM user_replica WHERE id = '" + id + "'"))
                .isEqualTo(1));
    TestDb.execute(pg, "UPDATE user_replica SET name = 'Corrupted' WHERE id = '" + id + "'");
    String ghost = system.ghost();

    TestHttp.Reply result = system.inventoryHttp.post("/admin/replica/reconcile", ADMIN, "");
    assertThat(result.status()).as(result.toString()).isEqualTo(200);
    assertThat(result.json().getInteger("repaired")).isGreaterThanOrEqualTo(1);
    assertThat(result.json().getInteger("removed")).isGreaterThanOrEqualTo(1);
    assertThat(
            TestDb.count(
                pg,
                "SELECT count(*) FROM user_replica WHERE id = '"
                    + id
                    + "' AND name = 'Truthful Tim'"))
        .isEqualTo(1);
    assertThat(TestDb.count(pg, "SELECT count(*) FROM user_replica WHERE id = '" + ghost + "'"))
        .isZero();
    assertThat(system.inventoryHttp.get("/metrics", null).body())
        .containsPattern("replica_divergences_total\\{[^}]*} [1-9]");
    assertThat(system.inventoryHttp.post("/admin/replica/reconcile", stocker, "").status())
        .isEqualTo(403);
  }
}
