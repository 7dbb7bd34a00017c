package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ForgedRecords.STOCKER;
import static dev.stockroom.inventory.replica.ForgedRecords.awaitParked;
import static dev.stockroom.inventory.replica.ForgedRecords.poisonUpdate;
import static dev.stockroom.inventory.replica.ForgedRecords.producer;
import static dev.stockroom.inventory.replica.ForgedRecords.row;
import static dev.stockroom.inventory.replica.ForgedRecords.sendVersionJump;
import static dev.stockroom.inventory.replica.ForgedRecords.stockedItem;
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
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What an operator does with records the consumer parked: list them, fix what parked them, replay
 * them through the consumer's own path. Nothing deleted comes back, nothing is skipped, and no copy
 * is vouched for while a change of it stays parked.
 */
@DisplayName("Replaying the dead-letter topic")
class DeadLetterReplayTest {
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
      assertThat(system.inventoryHttp.get("/admin/dlq", STOCKER).status()).isEqualTo(403);
      // Kafka refuses a negative timestamp: before 1970 was a 503 ("retry later") with Kafka's
      // message. It asks for every record; the far future for none.
      TestHttp.Reply before1970 =
          system.inventoryHttp.get("/admin/dlq?since=1969-12-31T23:59:59Z", ADMIN);
      assertThat(before1970.status()).as(before1970.toString()).isEqualTo(200);
      assertThat(before1970.json().getJsonArray("records").stream().map(JsonObject.class::cast))
          .anySatisfy(r -> assertThat(r.getString("key")).isEqualTo(id));
      TestHttp.Reply farFuture =
          system.inventoryHttp.get("/admin/dlq?since=9999-12-31T23:59:59Z", ADMIN);
      assertThat(farFuture.status()).as(farFuture.toString()).isEqualTo(200);
      assertThat(farFuture.json().getJsonArray("records")).isEmpty();
      // Malformed, they are validation problems as every other: errors[] names the parameter.
      for (String bad : new String[] {"since=yesterday", "resumeAt=0-12"}) {
        TestHttp.Reply refused = system.inventoryHttp.get("/admin/dlq?" + bad, ADMIN);
        assertThat(refused.status()).as(bad).isEqualTo(400);
        assertThat(refused.json().getJsonArray("errors").getJsonObject(0).getString("pointer"))
            .as(bad)
            .isEqualTo("query " + bad.substring(0, bad.indexOf('=')));
      }

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
                  inventory.get("/items/low-stock?below=1000&limit=200", STOCKER), "PARKED-V");
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
        producer.send(poisonUpdate(id, 51)).get();
      }
      awaitParked(system, since, id, 2);

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
                    "SELECT count(*) FROM user_replica WHERE partition = -1 AND id = '" + id + "'"))
            .as("the copy missed version 51: no watermark may vouch for it")
            .isEqualTo(1);
      } finally {
        TestServices.stop(fixed);
      }
    }
  }

  @Test
  @DisplayName(
      "a batch read again after the database refused it parks its poison record once, not once per"
          + " attempt")
  void parkedOnceThroughRetries() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system =
            new ReplicaFixture(Map.of("PG_STATEMENT_TIMEOUT", "PT0.5S"), broker)) {
      String id = stockedItem(system, "PARKED-1X", "Parked Once");
      String pg = system.inventoryEnv.get("PG_URI");
      String rollbacks =
          "SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()";
      Instant since = Instant.now().minusSeconds(1);
      try (Connection locker = TestDb.connect(pg)) {
        locker.setAutoCommit(false);
        try (Statement lock = locker.createStatement()) {
          lock.execute("LOCK TABLE user_replica IN ACCESS EXCLUSIVE MODE");
        }
        long before = Long.parseLong(TestDb.text(pg, rollbacks));
        try (KafkaProducer<String, byte[]> producer = producer(broker.bootstrapServers())) {
          producer.send(poisonUpdate(id, 2)).get();
        }
        // Each attempt parks first, then fails at the locked copy (statement timeout) and rolls
        // back: wait for three.
        Eventually.assertWithin(
            Duration.ofSeconds(30),
            () -> assertThat(Long.parseLong(TestDb.text(pg, rollbacks))).isGreaterThan(before + 2));
        locker.rollback();
      }
      // Applied at last: the parked change holds its person back from the watermarks.
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () ->
              assertThat(
                      TestDb.count(
                          pg,
                          "SELECT count(*) FROM user_replica WHERE partition = -1 AND id = '"
                              + id
                              + "'"))
                  .isEqualTo(1));
      assertThat(ForgedRecords.parked(system, since, id))
          .as("parked records of the person")
          .hasSize(1);
    }
  }

  @Test
  @DisplayName(
      "replaying an old parked record of a person whose copy has moved past it since leaves the"
          + " copy vouched for by the watermarks")
  void replayOfAnOldPoisonRecord() throws Exception {
    try (ReplicaFixture system = new ReplicaFixture(Map.of())) {
      String id = stockedItem(system, "PARKED-O", "Old Poison");
      Instant since = Instant.now().minusSeconds(1);
      try (KafkaProducer<String, byte[]> producer = producer()) {
        producer.send(poisonUpdate(id, 2)).get();
      }
      awaitParked(system, since, id, 1);
      for (String name : new String[] {"Moved On", "Moved On Again"}) {
        system.usersHttp.patch("/users/" + id, ADMIN, new JsonObject().put("name", name), Map.of());
      }
      String pg = system.inventoryEnv.get("PG_URI");
      String current =
          "SELECT count(*) FROM user_replica WHERE version = 3 AND partition IS NOT NULL AND id = '"
              + id
              + "'";
      Eventually.assertWithin(
          Duration.ofSeconds(10), () -> assertThat(TestDb.count(pg, current)).isEqualTo(1));

      TestHttp.Reply replayed =
          system.inventoryHttp.post("/admin/dlq/replay?since=" + since, ADMIN, "");

      assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
      assertThat(TestDb.count(pg, current))
          .as("version 2 parked, the copy at version 3: nothing is missing from it")
          .isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "more parked records than one request reads: the answer says it is not complete and where"
          + " to go on, and going on from there reaches every record")
  void longDeadLetterTopicsAreReadInPages() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of(), broker)) {
      Instant since = Instant.now().minusSeconds(1);
      try (KafkaProducer<String, byte[]> producer = producer(broker.bootstrapServers())) {
        for (int i = 0; i < 620; i++) {
          producer.send(
              new ProducerRecord<>(
                  "users.v1.inventory.dlq",
                  UUID.randomUUID().toString(),
                  ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
      }
      // All 620 may share a few milliseconds: a time could not say where a page ended.
      Set<Long> listed = new HashSet<>();
      int pages = 0;
      String from = "since=" + since;
      JsonObject page;
      do {
        page = system.inventoryHttp.get("/admin/dlq?" + from, ADMIN).json();
        page.getJsonArray("records").forEach(r -> listed.add(((JsonObject) r).getLong("offset")));
        assertThat(page.getBoolean("truncated")).isEqualTo(!page.getBoolean("complete"));
        from = "resumeAt=" + page.getString("resumeAt");
      } while (!page.getBoolean("complete") && ++pages < 10);
      assertThat(page.getBoolean("complete")).as(page.encode()).isTrue();
      assertThat(pages).as("more than one request").isPositive();
      assertThat(listed).hasSize(620);

      int read = 0;
      from = "since=" + since;
      for (pages = 0; pages < 10; pages++) {
        JsonObject replayed =
            system.inventoryHttp.post("/admin/dlq/replay?" + from, ADMIN, "").json();
        read += replayed.getInteger("read");
        if (replayed.getBoolean("complete")) {
          break;
        }
        from = "resumeAt=" + replayed.getString("resumeAt");
      }
      assertThat(read).as("every parked record replayed once").isEqualTo(620);
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
      awaitParked(system, since, id, 1);
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
                inventory.get("/items/low-stock?below=1000&limit=200", STOCKER), "PARKED-D");
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

  /** Until the dead-letter topic holds {@code count} records of {@code id} parked since then. */
}
