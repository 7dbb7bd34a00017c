package dev.stockroom.embedded;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the services need from a restarted broker, tried once: a transaction committed (the outbox
 * relays') and its record read back by a consumer group with read_committed (the replicas'). A
 * restarted broker answers metadata requests before it serves these; a test run once saw one that
 * never did until it was restarted again, and every later test class failed waiting for events.
 */
final class RestartProbe {
  private static final String TOPIC = "__stockroom_restart_probe";
  // close() without a timeout waits for pending sends forever: on a broker that is not serving.
  private static final Duration CLOSE = Duration.ofSeconds(2);

  private RestartProbe() {}

  /** Throws unless the round trip completes within {@code timeout}. */
  static void roundTrip(Map<String, Object> client, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String marker = UUID.randomUUID().toString();
    try (Admin admin = Admin.create(client)) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("restart probe: cannot create its topic", e.getCause());
      }
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("restart probe: cannot create its topic", e);
    }
    Map<String, Object> producer = new HashMap<>(client);
    producer.put("transactional.id", "stockroom-restart-probe");
    producer.put("max.block.ms", "5000");
    producer.put("delivery.timeout.ms", "5000");
    producer.put("request.timeout.ms", "4000");
    KafkaProducer<String, String> p =
        new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer());
    try {
      p.initTransactions();
      p.beginTransaction();
      p.send(new ProducerRecord<>(TOPIC, marker, marker));
      p.commitTransaction();
    } finally {
      p.close(CLOSE);
    }
    Map<String, Object> consumer = new HashMap<>(client);
    consumer.put("group.id", "stockroom-restart-probe");
    consumer.put("isolation.level", "read_committed");
    consumer.put("auto.offset.reset", "earliest");
    KafkaConsumer<String, String> c =
        new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer());
    try {
      c.subscribe(List.of(TOPIC));
      while (System.nanoTime() < deadline) {
        ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(200));
        for (var r : records) {
          if (marker.equals(r.key())) {
            return;
          }
        }
      }
    } finally {
      c.close(CLOSE);
    }
    throw new IllegalStateException(
        "restart probe: the committed record was not read back within " + timeout);
  }
}
