package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ForgedRecords.producer;
import static dev.stockroom.inventory.replica.ForgedRecords.row;
import static dev.stockroom.inventory.replica.ForgedRecords.stockedItem;
import static dev.stockroom.inventory.replica.ForgedRecords.update;
import static dev.stockroom.inventory.replica.ForgedRecords.watermark;
import static dev.stockroom.inventory.replica.ReplicaFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTopics;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Records any pod with write access to users.v1 could produce. The replica must neither be frozen
 * "fresh" by a date from the future nor stuck behind a forged version.
 */
@DisplayName("Forged records on the owner's topic")
class ForgedEventsTest {
  private static final String FAR_FUTURE = "2999-01-01T00:00:00Z";

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
      // Copied from its event, with its partition: the watermarks vouch for it.
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
      "records PostgreSQL cannot store are parked and the changes after them apply; a header"
          + " without a value is read, not a reason to drop the batch")
  void unstorableRecordsAreParked() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of(), broker)) {
      String id = stockedItem(system, "FORGED-U", "Unstorable Victim");
      Instant since = Instant.now().minusSeconds(1);
      try (KafkaProducer<String, byte[]> producer = producer(broker.bootstrapServers())) {
        producer.send(update(id, 2, "Nul\u0000Name", Instant.now().toString())).get();
        producer.send(update(id, 2, "Before Time", "-5000-01-01T00:00:00Z")).get();
      }
      TestHttp.Reply renamed =
          system.usersHttp.patch(
              "/users/" + id, ADMIN, new JsonObject().put("name", "Genuine After"), Map.of());
      assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () ->
              assertThat(row(system, "FORGED-U", "").getString("name")).isEqualTo("Genuine After"));
      ForgedRecords.awaitParked(system, since, id, 2);

      try (KafkaProducer<String, byte[]> producer = producer(broker.bootstrapServers())) {
        ProducerRecord<String, byte[]> headerWithoutValue =
            update(id, 3, "Header Without Value", Instant.now().toString());
        headerWithoutValue.headers().add("x-forged", null);
        producer.send(headerWithoutValue).get();
      }
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () ->
              assertThat(row(system, "FORGED-U", "").getString("name"))
                  .isEqualTo("Header Without Value"));
    }
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
}
