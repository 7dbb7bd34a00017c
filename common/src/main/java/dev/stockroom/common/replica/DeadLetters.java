package dev.stockroom.common.replica;

import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;

/** A poison record as it lands on the dead-letter topic: as it was, plus where from and why. */
final class DeadLetters {
  private DeadLetters() {}

  static KafkaProducerRecord<String, byte[]> record(
      String topic, KafkaConsumerRecord<String, byte[]> poison, String reason) {
    KafkaProducerRecord<String, byte[]> record =
        KafkaProducerRecord.create(topic, poison.key(), poison.value());
    poison.headers().forEach(record::addHeader);
    return record
        .addHeader(KafkaHeader.header("dlq_reason", Buffer.buffer(reason)))
        .addHeader(
            KafkaHeader.header(
                "dlq_source",
                Buffer.buffer(poison.topic() + "-" + poison.partition() + "@" + poison.offset())));
  }
}
