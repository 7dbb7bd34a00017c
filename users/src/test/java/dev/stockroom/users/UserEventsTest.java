package dev.stockroom.users;

import static dev.stockroom.users.UsersTestSupport.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestInfra;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTopics;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.LongStream;
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
  @DisplayName(
      "changes to one person at once: each applied once at its own version, each published once")
  void concurrentChanges() throws Exception {
    String id = UsersTestSupport.register(http, "Many Hands", 0).getString("id");
    int writers = 16;
    Map<Long, String> answered = new TreeMap<>();
    for (Reply r : atOnce(writers, i -> "Many Hands " + i, id, Map.of())) {
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      String before = answered.put(r.json().getLong("version"), r.json().getString("name"));
      assertThat(before).as("two changes answered as version %s", r.json()).isNull();
    }
    assertThat(answered.keySet())
        .as("one version each, none lost")
        .containsExactlyElementsOf(LongStream.rangeClosed(2, writers + 1).boxed().toList());
    JsonObject held = http.get("/users/" + id, ADMIN).json();
    assertThat(held.getLong("version")).isEqualTo(writers + 1L);
    assertThat(held.getString("name")).isEqualTo(answered.get(writers + 1L));

    try (TestTopics topic = new TestTopics(UsersService.TOPIC)) {
      Map<Long, String> published = new TreeMap<>();
      topic
          .readUntil(Duration.ofSeconds(20), records -> ofUser(records, id).size() > writers)
          .stream()
          .filter(r -> id.equals(r.key()) && r.value() != null)
          .map(r -> new JsonObject(new String(r.value())))
          .filter(event -> event.getLong("version") > 1)
          .forEach(
              event -> {
                String before = published.put(event.getLong("version"), event.getString("name"));
                assertThat(before).as("version %s published twice", event).isNull();
              });
      assertThat(published).as("each change published as answered").isEqualTo(answered);
    }
  }

  @Test
  @DisplayName("changes at once with the same If-Match: exactly one passes, the others are 412")
  void concurrentConditionalChanges() throws Exception {
    String id = UsersTestSupport.register(http, "One Wins", 0).getString("id");
    int writers = 8;
    List<Reply> replies = atOnce(writers, i -> "One Wins " + i, id, Map.of("If-Match", "\"1\""));
    assertThat(replies.stream().map(Reply::status))
        .as(replies.toString())
        .containsOnly(200, 412)
        .filteredOn(status -> status == 200)
        .hasSize(1);
    assertThat(http.get("/users/" + id, ADMIN).json().getLong("version")).isEqualTo(2);
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

  /** {@code writers} renames of one person, sent at once from as many threads. */
  private List<Reply> atOnce(
      int writers, IntFunction<String> name, String id, Map<String, String> headers)
      throws Exception {
    List<Callable<Reply>> renames = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      JsonObject change = new JsonObject().put("name", name.apply(i));
      renames.add(() -> http.patch("/users/" + id, ADMIN, change, headers));
    }
    ExecutorService threads = Executors.newFixedThreadPool(writers);
    try {
      List<Reply> replies = new ArrayList<>();
      for (Future<Reply> reply : threads.invokeAll(renames, 30, TimeUnit.SECONDS)) {
        replies.add(reply.get());
      }
      return replies;
    } finally {
      threads.shutdownNow();
    }
  }

  static List<ConsumerRecord<String, byte[]>> ofUser(
      List<ConsumerRecord<String, byte[]>> records, String id) {
    return records.stream().filter(r -> id.equals(r.key())).toList();
  }
}
