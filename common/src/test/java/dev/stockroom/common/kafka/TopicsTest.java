package dev.stockroom.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.TestInfra;
import dev.stockroom.common.testing.TestServices;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Topic creation at start")
class TopicsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    TestServices.await(vertx.close(), Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("creates a compacted topic once and accepts it on every later start")
  void idempotentWithPolicy() throws Exception {
    String bootstrap = TestInfra.kafka().bootstrapServers();
    TopicSpec spec = TopicSpec.compacted("topics-test.compacted", 3, (short) 1);
    TestServices.await(
        Topics.ensure(vertx, KafkaConnection.plaintext(bootstrap), List.of(spec)),
        Duration.ofSeconds(30));
    TestServices.await(
        Topics.ensure(vertx, KafkaConnection.plaintext(bootstrap), List.of(spec)),
        Duration.ofSeconds(30));

    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(props)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(
              admin
                  .describeTopics(List.of(spec.name()))
                  .allTopicNames()
                  .get()
                  .get(spec.name())
                  .partitions())
          .hasSize(3);
    }
  }

  @Test
  @DisplayName("refuses to run on an existing topic with the wrong cleanup policy")
  void wrongPolicy() {
    String bootstrap = TestInfra.kafka().bootstrapServers();
    String name = "topics-test.deleting";
    TestServices.await(
        Topics.ensure(
            vertx,
            KafkaConnection.plaintext(bootstrap),
            List.of(TopicSpec.deleting(name, 1, (short) 1, 60_000))),
        Duration.ofSeconds(30));
    var result =
        Topics.ensure(
            vertx,
            KafkaConnection.plaintext(bootstrap),
            List.of(new TopicSpec(name, 1, (short) 1, Map.of("cleanup.policy", "compact"))));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TestServices.await(result, Duration.ofSeconds(30)))
        .hasRootCauseMessage(
            "topic " + name + " exists with cleanup.policy=delete but this service needs compact");
  }
}
