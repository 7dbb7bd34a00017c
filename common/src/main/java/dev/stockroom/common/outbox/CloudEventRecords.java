package dev.stockroom.common.outbox;

import dev.stockroom.common.kafka.KeyPartitions;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Outbox rows and watermarks as Kafka records: CloudEvents 1.0 in binary mode (attributes in {@code
 * ce_*} headers, JSON data as the value), key = aggregate id; tombstones stay bare.
 */
public final class CloudEventRecords {
  public static final String WATERMARK_TYPE = "stockroom.watermark";
  public static final String WATERMARK_KEY_PREFIX = "__watermark__:";

  private CloudEventRecords() {}

  /**
   * @param keyPartitions the partitions the row's topic spreads keys over (see {@link
   *     KeyPartitions}); null for a topic the relay was not told of: the producer then chooses
   */
  static KafkaProducerRecord<String, byte[]> of(
      String source, OutboxRow row, Integer keyPartitions) {
    Integer partition =
        keyPartitions == null || row.key() == null
            ? null
            : KeyPartitions.of(row.key(), keyPartitions);
    if (row.payload() == null) {
      return KafkaProducerRecord.create(row.topic(), row.key(), null, null, partition);
    }
    CloudEvent event =
        CloudEventBuilder.v1()
            .withId(row.eventId().toString())
            .withSource(URI.create(source))
            .withType(row.type())
            .withSubject(row.key())
            .withTime(OffsetDateTime.ofInstant(row.createdAt(), ZoneOffset.UTC))
            .withDataContentType("application/json")
            .withData(row.payload().toBuffer().getBytes())
            .build();
    return toVertx(
        KafkaMessageFactory.createWriter(row.topic(), partition, null, row.key())
            .writeBinary(event));
  }

  /**
   * "Every change committed at the owner before {@code asOf} was published on this partition ahead
   * of this record." Keyed per partition, so compaction keeps the latest one of each.
   */
  static KafkaProducerRecord<String, byte[]> watermark(
      String source, String topic, int partition, Instant asOf) {
    String key = WATERMARK_KEY_PREFIX + partition;
    CloudEvent event =
        CloudEventBuilder.v1()
            .withId(UUID.randomUUID().toString())
            .withSource(URI.create(source))
            .withType(WATERMARK_TYPE)
            .withTime(OffsetDateTime.ofInstant(asOf, ZoneOffset.UTC))
            .withDataContentType("application/json")
            .withData(
                new JsonObject()
                    .put("watermark", asOf.toString())
                    .put("partition", partition)
                    .encode()
                    .getBytes(StandardCharsets.UTF_8))
            .build();
    return toVertx(
        KafkaMessageFactory.createWriter(topic, partition, null, key).writeBinary(event));
  }

  private static KafkaProducerRecord<String, byte[]> toVertx(
      ProducerRecord<String, byte[]> record) {
    KafkaProducerRecord<String, byte[]> result =
        KafkaProducerRecord.create(
            record.topic(), record.key(), record.value(), record.timestamp(), record.partition());
    for (Header header : record.headers()) {
      result.addHeader(
          KafkaHeader.header(header.key(), io.vertx.core.buffer.Buffer.buffer(header.value())));
    }
    return result;
  }
}
