package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ForgedRecords.row;
import static dev.stockroom.inventory.replica.ForgedRecords.stockedItem;
import static dev.stockroom.inventory.replica.ForgedRecords.update;
import static dev.stockroom.inventory.replica.ReplicaFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Forged records too large for the copy: each must be parked, never stop its partition (a batch
 * that fails is read again, and fails again, for ever).
 */
@DisplayName("Oversized records on the owner's topic")
class OversizedRecordsTest {
  private int largestValueBytes;

  @Test
  @DisplayName(
      "names too long to index, a record as large as the topic takes and a tombstone with a key"
          + " that large are parked; the changes after them apply")
  void oversizedRecordsAreParked() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of(), broker)) {
      String id = stockedItem(system, "FORGED-L", "Long Victim");
      Instant since = Instant.now().minusSeconds(1);
      try (KafkaProducer<String, byte[]> producer = largeRecordProducer(broker)) {
        // Random letters do not compress under PostgreSQL's 2,704-byte limit of an index entry,
        // in any script: 1,000 CJK characters are 3,000 bytes.
        int partition =
            producer
                .send(update(id, 2, randomText(10_000, 'a', 26), Instant.now().toString()))
                .get()
                .partition();
        producer
            .send(update(id, 2, randomText(1_000, '\u4e00', 20_000), Instant.now().toString()))
            .get();
        sendLargestTheTopicTakes(producer, id);
        producer
            .send(new ProducerRecord<>("users.v1", partition, "k".repeat(600_000), (byte[]) null))
            .get();
      }
      TestHttp.Reply renamed =
          system.usersHttp.patch(
              "/users/" + id, ADMIN, new JsonObject().put("name", "Genuine Later"), Map.of());
      assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () ->
              assertThat(row(system, "FORGED-L", "").getString("name")).isEqualTo("Genuine Later"));
      ForgedRecords.awaitParked(system, since, id, 3);
      assertThat(ForgedRecords.parked(system, since, id))
          .extracting(r -> r.getString("reason"))
          .containsExactlyInAnyOrder(
              "name holds 10000 bytes, more than the 1600 a copy stores",
              "name holds 3000 bytes, more than the 1600 a copy stores",
              "name holds 1048000 bytes, more than the 1600 a copy stores; left out, too large to"
                  + " park: its value ("
                  + largestValueBytes
                  + " bytes)");
      assertThat(ForgedRecords.parked(system, since, "k".repeat(256)))
          .singleElement()
          .satisfies(
              r ->
                  assertThat(r.getString("reason"))
                      .startsWith("tombstone whose key is not an id: kkk")
                      .endsWith(
                          "…; left out, too large to park: its key past 256 of 600000 characters"));
    }
  }

  /**
   * An update whose value fills what the broker takes in one batch: sent with shorter padding until
   * the broker accepts it, so the dead-letter copy, with its headers added, is more than it takes.
   */
  private void sendLargestTheTopicTakes(KafkaProducer<String, byte[]> producer, String id)
      throws Exception {
    String name = "x".repeat(1_048_000);
    for (int padding = 600; padding >= 0; padding -= 20) {
      ProducerRecord<String, byte[]> record = update(id, 3, name, Instant.now().toString());
      // Spaces after the JSON object: still the same event.
      byte[] value =
          (new String(record.value(), StandardCharsets.UTF_8) + " ".repeat(padding))
              .getBytes(StandardCharsets.UTF_8);
      try {
        producer
            .send(new ProducerRecord<>(record.topic(), null, record.key(), value, record.headers()))
            .get();
        largestValueBytes = value.length;
        return;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(RecordTooLargeException.class);
      }
    }
    throw new AssertionError("the broker took no record of about 1 MiB");
  }

  private static KafkaProducer<String, byte[]> largeRecordProducer(EmbeddedKafkaBroker broker) {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    // The client lets anything through: the broker's limit is the one to fill.
    props.put("max.request.size", Integer.toString(4 * 1024 * 1024));
    props.put("compression.type", "none");
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /** {@code length} characters drawn from the {@code range} starting at {@code first}. */
  private static String randomText(int length, char first, int range) {
    Random random = new Random(7);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) (first + random.nextInt(range)));
    }
    return text.toString();
  }
}
