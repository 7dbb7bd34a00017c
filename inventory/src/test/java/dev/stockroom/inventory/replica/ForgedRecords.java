package dev.stockroom.inventory.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.outbox.CloudEventRecords;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestInfra;
import dev.stockroom.common.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Records forged onto the owner's topic, and an item stocked by a copied person to watch. */
final class ForgedRecords {
  static final String STOCKER = TestTokens.forRoles("reporter", "stocker");

  private ForgedRecords() {}

  static JsonObject row(ReplicaFixture system, String sku, String query) {
    return ReplicaFixture.stockerOf(
        system.inventoryHttp.get("/items/low-stock?below=1000&limit=200" + query, STOCKER), sku);
  }

  static String stockedItem(ReplicaFixture system, String sku, String name) {
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

  /** An update no limit lets through: its phone is a number. */
  static ProducerRecord<String, byte[]> poisonUpdate(String id, long version) {
    JsonObject data =
        new JsonObject()
            .put("id", id)
            .put("name", "Unreadable Change")
            .put("email", "forged@example.com")
            .put("phone", 5550100)
            .put("version", version);
    return cloudEvent(
        new ProducerRecord<>("users.v1", id, data.encode().getBytes(StandardCharsets.UTF_8)),
        "stockroom.user.updated",
        Instant.now().toString());
  }

  /**
   * An update of {@code id} at version 50 on the shared broker, parked by a consumer whose limit is
   * 10; answers a time just before it, for {@code ?since=}.
   */
  static Instant sendVersionJump(String id, String name) throws Exception {
    return sendVersionJump(TestInfra.kafka().bootstrapServers(), id, name);
  }

  /** As {@link #sendVersionJump(String, String)}, on a broker of the test's own. */
  static Instant sendVersionJump(String bootstrapServers, String id, String name) throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
      producer.send(update(id, 50, name, Instant.now().toString())).get();
    }
    return since;
  }

  static KafkaProducer<String, byte[]> producer() {
    return producer(TestInfra.kafka().bootstrapServers());
  }

  static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  static ProducerRecord<String, byte[]> watermark(int partition, String at) {
    JsonObject data = new JsonObject().put("watermark", at).put("partition", partition);
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            "users.v1",
            partition,
            CloudEventRecords.WATERMARK_KEY_PREFIX + partition,
            data.encode().getBytes(StandardCharsets.UTF_8));
    return cloudEvent(record, CloudEventRecords.WATERMARK_TYPE, at);
  }

  static ProducerRecord<String, byte[]> update(String id, long version, String name, String time) {
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

  static ProducerRecord<String, byte[]> cloudEvent(
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

  /** Until {@code count} records of {@code id} parked since {@code since} are listed. */
  static void awaitParked(ReplicaFixture system, Instant since, String id, int count) {
    Eventually.assertWithin(
        Duration.ofSeconds(15), () -> assertThat(parked(system, since, id)).hasSize(count));
  }

  /** The records of {@code id} parked since {@code since}, as {@code GET /admin/dlq} lists them. */
  static java.util.List<JsonObject> parked(ReplicaFixture system, Instant since, String id) {
    return system
        .inventoryHttp
        .get("/admin/dlq?since=" + since, ReplicaFixture.ADMIN)
        .json()
        .getJsonArray("records")
        .stream()
        .map(JsonObject.class::cast)
        .filter(r -> id.equals(r.getString("key")))
        .toList();
  }
}
