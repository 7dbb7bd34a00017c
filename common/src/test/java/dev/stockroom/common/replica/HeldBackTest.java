package dev.stockroom.common.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.replica.ReplicaEvent.Poison;
import dev.stockroom.common.replica.ReplicaEvent.Upsert;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.impl.KafkaConsumerRecordImpl;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HeldBackTest {
  private static KafkaConsumerRecord<String, byte[]> record(String key) {
    return new KafkaConsumerRecordImpl<>(new ConsumerRecord<>("users.v1", 0, 0, key, new byte[0]));
  }

  private static Upsert upsert(UUID id) {
    return new Upsert(id, null, 2, false, 0, Instant.now());
  }

  @Test
  @DisplayName(
      "held back: people whose latest record in the batch was parked, by a key that is an id as"
          + " the owner writes it")
  void latestRecordDecides() {
    UUID parkedLast = UUID.randomUUID();
    UUID appliedLast = UUID.randomUUID();
    Poison poison = new Poison("test");

    var held =
        ReplicaConsumerVerticle.heldBack(
            List.of(
                record(parkedLast.toString()),
                record(parkedLast.toString()),
                record(appliedLast.toString()),
                record(appliedLast.toString()),
                record("1-1-1-1-1"),
                record("not an id")),
            List.of(upsert(parkedLast), poison, poison, upsert(appliedLast), poison, poison));

    assertThat(held).containsExactly(parkedLast);
  }
}
