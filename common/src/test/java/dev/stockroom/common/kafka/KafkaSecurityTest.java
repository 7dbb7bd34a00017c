package dev.stockroom.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.testing.TestServices;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The services' Kafka clients against a broker that accepts only SASL_SSL, as managed ones do. */
@DisplayName("Kafka over SASL_SSL")
class KafkaSecurityTest {
  @TempDir static Path dir;
  private static SaslSslBroker broker;
  private static final Vertx vertx = Vertx.vertx();

  @BeforeAll
  static void start() throws Exception {
    broker = SaslSslBroker.start(dir);
  }

  @AfterAll
  static void stop() {
    TestServices.await(vertx.close(), Duration.ofSeconds(10));
    broker.close();
  }

  private static KafkaConnection connection(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", broker.broker.bootstrapServers());
    env.put("KAFKA_SECURITY_PROTOCOL", "sasl_ssl");
    env.put("KAFKA_SASL_USERNAME", SaslSslBroker.USER);
    env.put("KAFKA_SASL_PASSWORD", SaslSslBroker.PASSWORD);
    env.put("KAFKA_SSL_CA", broker.caPem.toString());
    env.putAll(overrides);
    env.values().removeIf(String::isEmpty);
    return KafkaConnection.from(new Env(env), true);
  }

  @Test
  @DisplayName("topics are created, and records produced and consumed, with the service's settings")
  void servicesClientsWork() {
    KafkaConnection kafka = connection(Map.of());
    TopicSpec spec = TopicSpec.compacted("secure.v1", 1, (short) 1);
    TestServices.await(Topics.ensure(vertx, kafka, List.of(spec)), Duration.ofSeconds(30));

    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(new HashMap<>(KafkaSettings.producer(kafka, "secure-producer")))) {
      producer.send(new ProducerRecord<>(spec.name(), "k", "hello".getBytes())).get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            new HashMap<>(KafkaSettings.consumer(kafka, "secure-group", "secure-consumer")))) {
      consumer.subscribe(List.of(spec.name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      List<String> seen = new ArrayList<>();
      while (seen.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          seen.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
      assertThat(seen).containsExactly("hello");
    }
  }

  @Test
  @DisplayName("a wrong password is refused by the broker")
  void wrongPassword() {
    KafkaConnection kafka = connection(Map.of("KAFKA_SASL_PASSWORD", "wrong"));
    var ensured = Topics.ensure(vertx, kafka, List.of(TopicSpec.compacted("never", 1, (short) 1)));
    assertThatThrownBy(() -> TestServices.await(ensured, Duration.ofSeconds(30)))
        .rootCause()
        .hasMessageContaining("Authentication failed");
  }

  @Test
  @DisplayName("the broker's certificate is verified: without its CA the handshake fails")
  void certificateVerified() {
    KafkaConnection kafka = connection(Map.of("KAFKA_SSL_CA", ""));
    var ensured = Topics.ensure(vertx, kafka, List.of(TopicSpec.compacted("never", 1, (short) 1)));
    assertThatThrownBy(() -> TestServices.await(ensured, Duration.ofSeconds(30)))
        .hasStackTraceContaining("SSL handshake failed");
  }
}
