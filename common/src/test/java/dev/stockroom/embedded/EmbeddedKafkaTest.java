package dev.stockroom.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.TestInfra;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The restart test uses a broker of its own: stopping TestInfra's would disturb other tests. */
@DisplayName("Embedded Kafka broker")
class EmbeddedKafkaTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static EmbeddedKafkaBroker broker;
  private static Path logDir;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start(null, 0);
    logDir = broker.logDir();
  }

  @AfterAll
  static void closeBroker() {
    broker.close();
    assertThat(logDir).as("temporary log dir is deleted on close").doesNotExist();
  }

  @Test
  @DisplayName("the shared test broker consumes back a produced message")
  void roundTrip() throws Exception {
    String bootstrap = TestInfra.kafka().bootstrapServers();
    String topic = createTopic(bootstrap);
    produce(bootstrap, topic, "hello");
    assertThat(consumeUntil(bootstrap, topic, 1)).containsExactly("hello");
  }

  @Test
  @DisplayName("after a restart on the same port, old messages are kept and new ones round-trip")
  void survivesRestart() throws Exception {
    String bootstrap = broker.bootstrapServers();
    String topic = createTopic(bootstrap);
    produce(bootstrap, topic, "before");

    broker.stop();
    assertThat(broker.isRunning()).isFalse();
    broker.restart();
    assertThat(broker.isRunning()).isTrue();
    assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);

    assertThat(consumeUntil(bootstrap, topic, 1)).containsExactly("before");
    produce(bootstrap, topic, "after");
    assertThat(consumeUntil(bootstrap, topic, 2)).containsExactly("before", "after");
  }

  private static String createTopic(String bootstrap) throws Exception {
    String topic = "embedded-kafka-test-" + UUID.randomUUID();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
    return topic;
  }

  private static void produce(String bootstrap, String topic, String value) throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer
          .send(new ProducerRecord<>(topic, "key", value))
          .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Reads from the earliest offset with a new group until {@code count} values have arrived. */
  private static List<String> consumeUntil(String bootstrap, String topic, int count) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "group-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<String> values = new ArrayList<>();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (values.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
