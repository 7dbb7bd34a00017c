package dev.stockroom.common.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.replica.ReplicaEvent.Poison;
import dev.stockroom.common.replica.ReplicaEvent.Upsert;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.impl.KafkaConsumerRecordImpl;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HeldBackTest {
  private static KafkaConsumerRecord<String, byte[]> record(String key) {
    return new KafkaConsumerRecordImpl<>(new ConsumerRecord<>("users.v1", 0, 0, key, new byte[0]));
  }

  private static Upsert upsert(UUID id) {
    return upsert(id, 2);
  }

  private static Upsert upsert(UUID id, long version) {
    return new Upsert(id, null, version, false, 0, Instant.now());
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
            List.of(upsert(parkedLast), poison, poison, upsert(appliedLast), poison, poison),
            Map.of());

    assertThat(held).containsExactly(parkedLast);
  }

  @Test
  @DisplayName(
      "a record after the parked one releases the hold only when newer than every version known"
          + " before it: a republished duplicate does not")
  void olderDuplicateKeepsTheHold() {
    UUID duplicated = UUID.randomUUID();
    UUID changedAgain = UUID.randomUUID();
    UUID storedAhead = UUID.randomUUID();
    Poison poison = new Poison("test");
    String d = duplicated.toString();
    String c = changedAgain.toString();
    String s = storedAhead.toString();

    var held =
        ReplicaConsumerVerticle.heldBack(
            List.of(
                record(d), record(d), record(d), record(c), record(c), record(c), record(s),
                record(s)),
            List.of(
                upsert(duplicated, 4),
                poison,
                upsert(duplicated, 4),
                upsert(changedAgain, 4),
                poison,
                upsert(changedAgain, 6),
                poison,
                upsert(storedAhead, 7)),
            Map.of(storedAhead, 7L));

    assertThat(held).containsExactlyInAnyOrder(duplicated, storedAhead);
  }
}
