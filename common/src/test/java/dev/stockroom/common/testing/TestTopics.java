package dev.stockroom.common.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from the beginning with a plain Kafka consumer (no group, all partitions), so a
 * test sees exactly what was published, in partition order.
 */
public final class TestTopics implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

  public TestTopics(String topic) {
    this(topic, TestInfra.kafka().bootstrapServers());
  }

  /** Reads {@code topic} on the broker at {@code bootstrapServers} (a test's own broker). */
  public TestTopics(String topic, String bootstrapServers) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("client.id", "test-reader-" + UUID.randomUUID());
    props.put("enable.auto.commit", "false");
    props.put("isolation.level", "read_committed");
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(20)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Polls until {@code done} holds for everything read so far, or fails after the deadline. */
  public List<ConsumerRecord<String, byte[]>> readUntil(
      Duration deadline, Predicate<List<ConsumerRecord<String, byte[]>>> done) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!done.test(seen)) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "timed out after " + deadline + "; read " + seen.size() + " records");
      }
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
    return List.copyOf(seen);
  }

  public static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  public static String type(ConsumerRecord<String, byte[]> record) {
    return header(record, "ce_type");
  }

  @Override
  public void close() {
    consumer.close();
  }
}
