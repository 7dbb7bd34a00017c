package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ReplicaFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.outbox.CloudEventRecords;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestInfra;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.common.testing.TestTopics;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Records any pod with write access to users.v1 could produce. The replica must neither be frozen
 * "fresh" by a date from the future nor stuck behind a forged version.
 */
@DisplayName("Forged records on the owner's topic")
class ForgedEventsTest {
  private static final String FAR_FUTURE = "2999-01-01T00:00:00Z";
  private final String stocker = TestTokens.forRoles("reporter", "stocker");

  private JsonObject row(ReplicaFixture system, String sku, String query) {
    return ReplicaFixture.stockerOf(
        system.inventoryHttp.get("/items/low-stock?below=1000&limit=200" + query, stocker), sku);
  }

  private String stockedItem(ReplicaFixture system, String sku, String name) {
    String id = system.registerUser(name).getString("id");
    system.createItem(sku, 0);
    assertThat(system.restock(sku, id, 1).status()).isEqualTo(201);
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () -> {
          JsonObject by = row(system, sku, "");
          assertThat(by.getString("name")).isEqualTo(name);
          assertThat(by.getJsonObject("freshness").getString("source")).isEqualTo("replica");
        });
    return id;
  }

  @Test
  @DisplayName(
      "a watermark dated 2999 is ignored and counted: with users down, rows still turn stale")
  void watermarkFromTheFuture() throws Exception {
    try (ReplicaFixture system =
        new ReplicaFixture(Map.of("REPLICA_FALLBACK_TIMEOUT", "PT0.25S"))) {
      stockedItem(system, "FORGED-W", "Watermark Victim");
      try (KafkaProducer<String, byte[]> producer = producer()) {
        for (int partition = 0; partition < 3; partition++) {
          producer.send(watermark(partition, FAR_FUTURE)).get();
        }
      }
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(untrusted(system, "watermark-from-the-future")).isGreaterThanOrEqualTo(3));

      TestServices.stop(system.users);
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () -> {
            JsonObject freshness =
                row(system, "FORGED-W", "&maxStaleness=PT1S").getJsonObject("freshness");
            assertThat(Instant.parse(freshness.getString("asOf"))).isBefore(Instant.now());
            assertThat(freshness.getBoolean("stale")).isTrue();
          });
    }
  }

  @Test
  @DisplayName("an event time from 2999 is applied with this clock's time, never as fresh forever")
  void eventTimeFromTheFuture() throws Exception {
    try (ReplicaFixture system = new ReplicaFixture(Map.of())) {
      String id = stockedItem(system, "FORGED-T", "Time Victim");
      try (KafkaProducer<String, byte[]> producer = producer()) {
        producer.send(update(id, 2, "Time Traveller", FAR_FUTURE)).get();
      }
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(row(system, "FORGED-T", "").getString("name"))
                  .isEqualTo("Time Traveller"));
      Instant asOf =
          Instant.parse(row(system, "FORGED-T", "").getJsonObject("freshness").getString("asOf"));
      assertThat(asOf).isBefore(Instant.now().plusSeconds(5));
      assertThat(untrusted(system, "time-from-the-future")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "a version far past the stored one is parked in the dead-letter topic; genuine renames still apply")
  void versionJump() throws Exception {
    try (ReplicaFixture system = new ReplicaFixture(Map.of())) {
      String id = stockedItem(system, "FORGED-V", "Version Victim");
      try (KafkaProducer<String, byte[]> producer = producer()) {
        producer
            .send(update(id, 9_000_000_000_000_000_000L, "Forged Name", Instant.now().toString()))
            .get();
      }
      TestHttp.Reply renamed =
          system.usersHttp.patch(
              "/users/" + id, ADMIN, new JsonObject().put("name", "Genuine Rename"), Map.of());
      assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);

      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(row(system, "FORGED-V", "").getString("name"))
                  .isEqualTo("Genuine Rename"));
      assertThat(untrusted(system, "version-jump")).isEqualTo(1);
      try (TestTopics dlq = new TestTopics(InventoryService.USERS.dlqTopic())) {
        var parked =
            dlq.readUntil(
                Duration.ofSeconds(10),
                rs ->
                    rs.stream()
                        .anyMatch(
                            r ->
                                id.equals(r.key())
                                    && TestTopics.header(r, "dlq_reason").contains("jumps")));
        assertThat(parked.stream().filter(r -> id.equals(r.key())))
            .anySatisfy(
                r ->
                    assertThat(TestTopics.header(r, "dlq_reason"))
                        .isEqualTo(
                            "version 9000000000000000000 jumps more than 1000000 past the stored"
                                + " version 1"));
      }
    }
  }

  @Test
  @DisplayName(
      "an operator lists a parked record with its reason, raises the limit that parked it, and"
          + " replays it: applied once, and a second replay changes nothing")
  void parkedRecordListedAndReplayed() throws Exception {
    try (ReplicaFixture system = new ReplicaFixture(Map.of("REPLICA_MAX_VERSION_JUMP", "10"))) {
      String id = stockedItem(system, "PARKED-V", "Parked Victim");
      Instant since = sendVersionJump(id, "After The Fix");
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () -> {
            TestHttp.Reply listed = system.inventoryHttp.get("/admin/dlq?since=" + since, ADMIN);
            assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
            assertThat(listed.json().getJsonArray("records").stream().map(JsonObject.class::cast))
                .anySatisfy(
                    r -> {
                      assertThat(r.getString("key")).isEqualTo(id);
                      assertThat(r.getString("reason"))
                          .isEqualTo("version 50 jumps more than 10 past the stored version 1");
                      assertThat(r.getString("source")).startsWith("users.v1-");
                    });
          });
      assertThat(system.inventoryHttp.get("/admin/dlq", stocker).status()).isEqualTo(403);

      // The fix: a limit that fits how far versions really move.
      TestServices.stop(system.inventory);
      system.inventoryEnv.put("REPLICA_MAX_VERSION_JUMP", "1000");
      RunningService fixed =
          TestServices.start(e -> InventoryService.start(new Env(e)), system.inventoryEnv);
      try {
        TestHttp inventory = new TestHttp(fixed.port());
        for (int replay = 1; replay <= 2; replay++) {
          TestHttp.Reply replayed = inventory.post("/admin/dlq/replay?since=" + since, ADMIN, "");
          assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
          assertThat(replayed.json().getInteger("applied")).isGreaterThanOrEqualTo(1);
          // The dead-letter topic is shared by this module's tests: only this record matters here.
          assertThat(replayed.json().getJsonArray("stillParked").stream())
              .map(r -> ((JsonObject) r).getString("key"))
              .doesNotContain(id);
          JsonObject row =
              ReplicaFixture.stockerOf(
                  inventory.get("/items/low-stock?below=1000&limit=200", stocker), "PARKED-V");
          assertThat(row.getString("name"))
              .as("after replay %d", replay)
              .isEqualTo("After The Fix");
        }
      } finally {
        TestServices.stop(fixed);
      }
    }
  }

  @Test
  @DisplayName(
      "a replay that applies one parked change of a person but leaves a later one parked does not"
          + " give the person back to the partition's watermarks")
  void replayWithALaterChangeStillParked() throws Exception {
    try (ReplicaFixture system = new ReplicaFixture(Map.of("REPLICA_MAX_VERSION_JUMP", "10"))) {
      String id = stockedItem(system, "PARKED-T", "Twice Parked");
      Instant since = sendVersionJump(id, "Replayable Change");
      try (KafkaProducer<String, byte[]> producer = producer()) {
        // Poison whatever the limits: a phone that is not a string.
        ProducerRecord<String, byte[]> update =
            update(id, 51, "Unreadable Change", since.toString());
        JsonObject data = new JsonObject(new String(update.value(), StandardCharsets.UTF_8));
        producer
            .send(
                cloudEvent(
                    new ProducerRecord<>(
                        "users.v1",
                        id,
                        data.put("phone", 5550100).encode().getBytes(StandardCharsets.UTF_8)),
                    "stockroom.user.updated",
                    Instant.now().toString()))
            .get();
      }
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () ->
              assertThat(
                      system
                          .inventoryHttp
                          .get("/admin/dlq?since=" + since, ADMIN)
                          .json()
                          .getJsonArray("records")
                          .stream()
                          .map(JsonObject.class::cast)
                          .filter(r -> id.equals(r.getString("key"))))
                  .hasSize(2));

      TestServices.stop(system.inventory);
      system.inventoryEnv.put("REPLICA_MAX_VERSION_JUMP", "1000");
      RunningService fixed =
          TestServices.start(e -> InventoryService.start(new Env(e)), system.inventoryEnv);
      try {
        TestHttp.Reply replayed =
            new TestHttp(fixed.port()).post("/admin/dlq/replay?since=" + since, ADMIN, "");
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
        assertThat(replayed.json().getJsonArray("stillParked").stream())
            .map(r -> ((JsonObject) r).getString("key"))
            .contains(id);
        String pg = system.inventoryEnv.get("PG_URI");
        assertThat(TestDb.text(pg, "SELECT name FROM user_replica WHERE id = '" + id + "'"))
            .isEqualTo("Replayable Change");
        assertThat(
                TestDb.count(
                    pg,
                    "SELECT count(*) FROM user_replica WHERE partition IS NULL AND id = '"
                        + id
                        + "'"))
            .as("the copy missed version 51: no watermark may vouch for it")
            .isEqualTo(1);
      } finally {
        TestServices.stop(fixed);
      }
    }
  }

  @Test
  @DisplayName(
      "a person whose change was parked is no longer vouched for by later watermarks: their copy"
          + " claims only its own time, and a read asking for more goes to the owner")
  void parkedChangeStopsTheWatermark() throws Exception {
    // A broker of its own: the test waits for the relay's next watermarks, which the shared
    // topic's leftovers from other tests (another fixture's transaction left open when its users
    // stopped) can hold back from read_committed consumers.
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system =
            new ReplicaFixture(Map.of("REPLICA_MAX_VERSION_JUMP", "10"), broker)) {
      String pg = system.inventoryEnv.get("PG_URI");
      String id = system.registerUser("Watermarked Once").getString("id");
      // Copied from its event (not fetched from the owner by a read that came first, which leaves
      // a row no watermark vouches for until its next change): the watermarks vouch for it.
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(
                      TestDb.count(
                          pg,
                          "SELECT count(*) FROM user_replica WHERE partition IS NOT NULL AND id = '"
                              + id
                              + "'"))
                  .isEqualTo(1));
      system.createItem("PARKED-W", 0);
      assertThat(system.restock("PARKED-W", id, 1).status()).isEqualTo(201);
      Instant parkedAt = Instant.now();
      int partition;
      try (KafkaProducer<String, byte[]> producer = producer(broker.bootstrapServers())) {
        partition =
            producer.send(update(id, 50, "Parked Change", parkedAt.toString())).get().partition();
      }
      // The relay's watermarks keep coming: wait until one past the parked record is applied.
      Eventually.assertWithin(
          Duration.ofSeconds(20),
          () ->
              assertThat(
                      TestDb.text(
                          pg,
                          "SELECT watermark > '"
                              + parkedAt.plusSeconds(1)
                              + "' FROM replica_watermarks WHERE partition = "
                              + partition))
                  .as("partition %d's watermark past the parked record", partition)
                  .isEqualTo("t"));
      JsonObject parked = row(system, "PARKED-W", "");
      // Before: vouched for by that watermark, past the change it never received.
      assertThat(Instant.parse(parked.getJsonObject("freshness").getString("asOf")))
          .as("the parked person's copy")
          .isBefore(parkedAt);
      assertThat(parked.getString("name")).isEqualTo("Watermarked Once");
      JsonObject asked = row(system, "PARKED-W", "&maxStaleness=PT1S");
      assertThat(asked.getJsonObject("freshness").getString("source")).isEqualTo("owner");
    }
  }

  @Test
  @DisplayName(
      "a parked record of a person deleted since is not replayed into the copy: the deleted person"
          + " does not come back")
  void replayDoesNotBringBackTheDeleted() throws Exception {
    try (ReplicaFixture system = new ReplicaFixture(Map.of("REPLICA_MAX_VERSION_JUMP", "10"))) {
      String id = stockedItem(system, "PARKED-D", "Deleted Later");
      String pg = system.inventoryEnv.get("PG_URI");
      Instant since = sendVersionJump(id, "Back From The Dead");
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () ->
              assertThat(
                      system
                          .inventoryHttp
                          .get("/admin/dlq?since=" + since, ADMIN)
                          .json()
                          .getJsonArray("records")
                          .stream()
                          .map(r -> ((JsonObject) r).getString("key")))
                  .contains(id));
      assertThat(system.usersHttp.delete("/users/" + id, ADMIN).status()).isEqualTo(204);
      String copies = "SELECT count(*) FROM user_replica WHERE id = '" + id + "'";
      String live = copies + " AND NOT deleted";
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () -> assertThat(TestDb.count(pg, copies + " AND deleted")).isEqualTo(1));

      TestServices.stop(system.inventory);
      system.inventoryEnv.put("REPLICA_MAX_VERSION_JUMP", "1000");
      RunningService fixed =
          TestServices.start(e -> InventoryService.start(new Env(e)), system.inventoryEnv);
      try {
        TestHttp inventory = new TestHttp(fixed.port());
        // The deletion applied, its row not yet removed: version 50 is newer than the deletion's,
        // so the version guard alone let the parked record bring the person back.
        assertSkipped(inventory.post("/admin/dlq/replay?since=" + since, ADMIN, ""), id);
        assertThat(TestDb.count(pg, live)).as("live copies of the deleted person").isZero();
        // The row removed by reconciliation: no stored version at all to guard against.
        Eventually.assertWithin(
            Duration.ofSeconds(15),
            () -> {
              assertThat(inventory.post("/admin/replica/reconcile", ADMIN, "").status())
                  .isEqualTo(200);
              assertThat(TestDb.count(pg, copies)).as("the deleted person's copy removed").isZero();
            });
        assertSkipped(inventory.post("/admin/dlq/replay?since=" + since, ADMIN, ""), id);
        assertThat(TestDb.count(pg, copies)).as("copies of the deleted person").isZero();
        JsonObject row =
            ReplicaFixture.stockerOf(
                inventory.get("/items/low-stock?below=1000&limit=200", stocker), "PARKED-D");
        assertThat(row.getString("name")).isNull();
      } finally {
        TestServices.stop(fixed);
      }
    }
  }

  private static void assertSkipped(TestHttp.Reply replayed, String id) {
    assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
    assertThat(replayed.json().getJsonArray("skipped").stream())
        .map(r -> ((JsonObject) r).getString("key"))
        .contains(id);
  }

  /**
   * The counter {@code replica_untrusted_events_total} for one reason, from inventory's metrics.
   */
  private static long untrusted(ReplicaFixture system, String reason) {
    String metrics = system.inventoryHttp.get("/metrics", null).body();
    Matcher m =
        Pattern.compile("(?m)^replica_untrusted_events_total\\{([^}]*)} ([0-9.E]+)$")
            .matcher(metrics);
    while (m.find()) {
      if (m.group(1).contains("reason=\"" + reason + "\"")) {
        return (long) Double.parseDouble(m.group(2));
      }
    }
    return -1;
  }

  /**
   * An update of {@code id} at version 50 on the shared broker, parked by a consumer whose limit is
   * 10; answers a time just before it, for {@code ?since=}.
   */
  private static Instant sendVersionJump(String id, String name) throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(update(id, 50, name, Instant.now().toString())).get();
    }
    return since;
  }

  private static KafkaProducer<String, byte[]> producer() {
    return producer(TestInfra.kafka().bootstrapServers());
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private static ProducerRecord<String, byte[]> watermark(int partition, String at) {
    JsonObject data = new JsonObject().put("watermark", at).put("partition", partition);
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            "users.v1",
            partition,
            CloudEventRecords.WATERMARK_KEY_PREFIX + partition,
            data.encode().getBytes(StandardCharsets.UTF_8));
    return cloudEvent(record, CloudEventRecords.WATERMARK_TYPE, at);
  }

  private static ProducerRecord<String, byte[]> update(
      String id, long version, String name, String time) {
    JsonObject data =
        new JsonObject()
            .put("id", id)
            .put("name", name)
            .put("email", "forged@example.com")
            .put("phone", "+1 555 0100")
            .put("version", version);
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>("users.v1", id, data.encode().getBytes(StandardCharsets.UTF_8));
    return cloudEvent(record, "stockroom.user.updated", time);
  }

  private static ProducerRecord<String, byte[]> cloudEvent(
      ProducerRecord<String, byte[]> record, String type, String time) {
    record
        .headers()
        .add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))
        .add("ce_type", type.getBytes(StandardCharsets.UTF_8))
        .add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))
        .add("ce_source", "/forged".getBytes(StandardCharsets.UTF_8))
        .add("ce_time", time.getBytes(StandardCharsets.UTF_8));
    return record;
  }
}
