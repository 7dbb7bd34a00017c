package dev.stockroom.users;

import static dev.stockroom.users.UsersTestSupport.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestInfra;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTopics;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Events on users.v1")
class UserEventsTest {
  private RunningService service;
  private TestHttp http;

  @BeforeAll
  void start() {
    service = UsersTestSupport.start(UsersTestSupport.env());
    http = new TestHttp(service.port());
  }

  @AfterAll
  void stop() {
    TestServices.stop(service);
  }

  @Test
  @DisplayName(
      "every change is published as a CloudEvent, in version order, then deleted and a tombstone")
  void changesInOrder() {
    String id = UsersTestSupport.register(http, "Event Source", 0).getString("id");
    for (int i = 1; i <= 5; i++) {
      http.patch(
          "/users/" + id, ADMIN, new JsonObject().put("name", "Event Source " + i), Map.of());
    }
    http.delete("/users/" + id, ADMIN);

    try (TestTopics topic = new TestTopics(UsersService.TOPIC)) {
      List<ConsumerRecord<String, byte[]>> mine =
          topic
              .readUntil(Duration.ofSeconds(20), records -> ofUser(records, id).size() >= 8)
              .stream()
              .filter(r -> id.equals(r.key()))
              .toList();
      assertThat(mine).hasSize(8);
      for (int v = 0; v < 7; v++) {
        ConsumerRecord<String, byte[]> record = mine.get(v);
        assertThat(TestTopics.header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(TestTopics.header(record, "ce_source")).isEqualTo("/stockroom/users");
        assertThat(TestTopics.header(record, "ce_subject")).isEqualTo(id);
        assertThat(TestTopics.header(record, "content-type")).isEqualTo("application/json");
        assertThat(new JsonObject(new String(record.value())).getLong("version")).isEqualTo(v + 1L);
      }
      assertThat(TestTopics.type(mine.get(0))).isEqualTo("stockroom.user.registered");
      assertThat(TestTopics.type(mine.get(3))).isEqualTo("stockroom.user.updated");
      assertThat(TestTopics.type(mine.get(6))).isEqualTo("stockroom.user.deleted");
      JsonObject deleted = new JsonObject(new String(mine.get(6).value()));
      assertThat(deleted.containsKey("name")).as("no personal data in the deletion").isFalse();
      assertThat(mine.get(7).value()).as("tombstone").isNull();
    }
  }

  @Test
  @DisplayName("users.v1 is compacted, with the configured partition count, and gets watermarks")
  void topicSettings() throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", TestInfra.kafka().bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, UsersService.TOPIC);
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(
              admin
                  .describeTopics(List.of(UsersService.TOPIC))
                  .allTopicNames()
                  .get()
                  .get(UsersService.TOPIC)
                  .partitions())
          .hasSize(3);
    }
    try (TestTopics topic = new TestTopics(UsersService.TOPIC)) {
      List<ConsumerRecord<String, byte[]>> records =
          topic.readUntil(
              Duration.ofSeconds(20),
              rs ->
                  rs.stream()
                          .filter(r -> "stockroom.watermark".equals(TestTopics.type(r)))
                          .map(ConsumerRecord::partition)
                          .distinct()
                          .count()
                      == 3);
      assertThat(records).isNotEmpty();
    }
  }

  static List<ConsumerRecord<String, byte[]>> ofUser(
      List<ConsumerRecord<String, byte[]>> records, String id) {
    return records.stream().filter(r -> id.equals(r.key())).toList();
  }
}
