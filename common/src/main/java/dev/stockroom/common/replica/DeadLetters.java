package dev.stockroom.common.replica;

import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.apache.kafka.common.header.Header;

/** A poison record as it lands on the dead-letter topic: as it was, plus where from and why. */
final class DeadLetters {
  private DeadLetters() {}

  static KafkaProducerRecord<String, byte[]> record(
      String topic, KafkaConsumerRecord<String, byte[]> poison, String reason) {
    KafkaProducerRecord<String, byte[]> record =
        KafkaProducerRecord.create(topic, poison.key(), poison.value());
    // Kafka's headers, not Vert.x's view of them, which fails on a header without a value; such a
    // header is copied with an empty one (a Vert.x record cannot carry none).
    for (Header header : poison.record().headers()) {
      record.addHeader(
          KafkaHeader.header(
              header.key(),
              header.value() == null ? Buffer.buffer() : Buffer.buffer(header.value())));
    }
    return record
        .addHeader(KafkaHeader.header("dlq_reason", Buffer.buffer(reason)))
        .addHeader(
            KafkaHeader.header(
                "dlq_source",
                Buffer.buffer(poison.topic() + "-" + poison.partition() + "@" + poison.offset())));
  }
}
