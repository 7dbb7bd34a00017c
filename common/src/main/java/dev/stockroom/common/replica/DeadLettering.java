package dev.stockroom.common.replica;

import dev.stockroom.common.replica.ReplicaEvent.Poison;
import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parks a batch's poison records on the dead-letter topic before the batch is applied, each record
 * once: a batch that fails after parking them (the database away, a commit refused) is sought back
 * and read again, and its records already parked are not sent a second time. What was sent is
 * remembered until the batch's offsets are committed.
 */
final class DeadLettering {
  private static final Logger log = LoggerFactory.getLogger(DeadLettering.class);

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final BooleanSupplier topicReady;
  private final Set<String> parkedUncommitted = new HashSet<>();

  DeadLettering(KafkaProducer<String, byte[]> producer, String topic, BooleanSupplier topicReady) {
    this.producer = producer;
    this.topic = topic;
    this.topicReady = topicReady;
  }

  Future<Void> park(List<KafkaConsumerRecord<String, byte[]>> batch, List<ReplicaEvent> events) {
    boolean anyPoison = events.stream().anyMatch(e -> e instanceof Poison);
    if (anyPoison && !topicReady.getAsBoolean()) {
      // The dead-letter topic is not created yet; the batch is retried after a backoff.
      return Future.failedFuture("the dead-letter topic is not set up yet");
    }
    List<Future<?>> sends = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      if (!(events.get(i) instanceof Poison poison)) {
        continue;
      }
      KafkaConsumerRecord<String, byte[]> record = batch.get(i);
      String where = where(record);
      if (!parkedUncommitted.contains(where)) {
        log.warn("dead-lettering {}: {}", where, poison.reason());
        sends.add(
            producer
                .send(DeadLetters.record(topic, record, poison.reason()))
                .onSuccess(sent -> parkedUncommitted.add(where)));
      }
    }
    return Future.all(sends).mapEmpty();
  }

  /** The batch's offsets are committed: its records will not be read again here. */
  void committed(List<KafkaConsumerRecord<String, byte[]>> batch) {
    if (!parkedUncommitted.isEmpty()) {
      batch.forEach(record -> parkedUncommitted.remove(where(record)));
    }
  }

  private static String where(KafkaConsumerRecord<String, byte[]> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
