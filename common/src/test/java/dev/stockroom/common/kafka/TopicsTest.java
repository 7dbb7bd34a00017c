package dev.stockroom.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.slf4j.LoggerFactory;

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
  @DisplayName(
      "warns when a compacted topic made elsewhere keeps deletions a shorter time than a copy"
          + " relies on")
  void deletionsKeptShorter() {
    String bootstrap = TestInfra.kafka().bootstrapServers();
    String name = "topics-test.short-tombstones";
    TestServices.await(
        Topics.ensure(
            vertx,
            KafkaConnection.plaintext(bootstrap),
            List.of(
                new TopicSpec(
                    name,
                    1,
                    (short) 1,
                    Map.of("cleanup.policy", "compact", "delete.retention.ms", "1000")))),
        Duration.ofSeconds(30));
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger topics = (Logger) LoggerFactory.getLogger(Topics.class);
    topics.addAppender(log);
    try {
      TestServices.await(
          Topics.ensure(
              vertx,
              KafkaConnection.plaintext(bootstrap),
              List.of(TopicSpec.compacted(name, 1, (short) 1))),
          Duration.ofSeconds(30));
      assertThat(log.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .contains(
              "topic "
                  + name
                  + " keeps a deletion 1000 ms once compacted, less than the 86400000 ms this"
                  + " service relies on: a copy away longer may not learn of one until its next"
                  + " full reconciliation (set delete.retention.ms=86400000 on the topic)");
    } finally {
      topics.detachAppender(log);
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
