package dev.stockroom.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.outbox.CloudEventRecords;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FaultyTcpProxy;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTopics;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("One outbox relay at a time")
class RelayFencingTest {

  @Test
  @DisplayName(
      "the leader's lock session killed while its broker writes are slow: the topic keeps the"
          + " person's records in version order, the tombstone last; one relay publishes")
  void deposedLeaderCannotPublishLate() {
    int brokerPort = TestServices.freePort();
    // Clients reach the broker only through the proxy: it advertises the proxy's address.
    try (FaultyTcpProxy toKafka = FaultyTcpProxy.to(brokerPort);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startBehind(brokerPort, toKafka.port())) {
      Map<String, String> leaderEnv = UsersTestSupport.env();
      leaderEnv.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
      leaderEnv.put("WATERMARK_INTERVAL", "PT1H"); // idle between changes: only they are in flight
      leaderEnv.put("OUTBOX_LEADER_RETRY", "PT30S"); // so that the standby wins the lock next
      RunningService first = UsersTestSupport.start(leaderEnv);
      TestHttp firstHttp = new TestHttp(first.port());
      Eventually.assertWithin(
          Duration.ofSeconds(20), () -> assertThat(outbox(firstHttp)).startsWith("publishing"));
      Map<String, String> standbyEnv = new HashMap<>(leaderEnv);
      standbyEnv.put("HTTP_PORT", Integer.toString(TestServices.freePort()));
      standbyEnv.put("WATERMARK_INTERVAL", "PT0.2S");
      standbyEnv.put("OUTBOX_LEADER_RETRY", "PT0.3S");
      RunningService second = UsersTestSupport.start(standbyEnv);
      TestHttp secondHttp = new TestHttp(second.port());
      String pg = leaderEnv.get("PG_URI");
      try {
        String id = UsersTestSupport.register(firstHttp, "Max Fenced", 100).getString("id");
        Eventually.assertWithin(Duration.ofSeconds(20), () -> assertThat(unpublished(pg)).isZero());

        // The leader's link to the broker turns slow; it publishes the rename into it.
        toKafka.slowDownOpenConnections(Duration.ofSeconds(4));
        firstHttp.patch(
            "/users/" + id,
            UsersTestSupport.ADMIN,
            new JsonObject().put("name", "Max Renamed"),
            Map.of());
        Eventually.assertWithin(
            Duration.ofSeconds(5), () -> assertThat(toKafka.held()).isPositive());
        // Its lock session dies; the standby takes over and publishes the rename and a deletion.
        assertThat(
                TestDb.count(
                    pg,
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype ="
                        + " 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname"
                        + " = current_database())"))
            .as("the leader's lock session was killed")
            .isEqualTo(1);
        Eventually.assertWithin(
            Duration.ofSeconds(10), () -> assertThat(outbox(secondHttp)).startsWith("publishing"));
        assertThat(secondHttp.delete("/users/" + id, UsersTestSupport.ADMIN).status())
            .isEqualTo(204);
        Eventually.assertWithin(Duration.ofSeconds(20), () -> assertThat(unpublished(pg)).isZero());
        // Whatever the deposed leader still had on its slow link has now reached the broker.
        Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(toKafka.held()).isZero());
        long after = System.currentTimeMillis() + 500;

        try (TestTopics topic = new TestTopics(UsersService.TOPIC, broker.bootstrapServers())) {
          List<ConsumerRecord<String, byte[]>> records =
              topic.readUntil(Duration.ofSeconds(30), rs -> laterWatermark(rs, id, after)).stream()
                  .filter(r -> id.equals(r.key()))
                  .toList();
          List<Long> versions =
              records.stream()
                  .filter(r -> r.value() != null)
                  .map(RelayFencingTest::version)
                  .toList();
          assertThat(versions).as("versions in the order published").isSorted();
          assertThat(versions).contains(1L, 2L, 3L);
          assertThat(records.get(records.size() - 1).value())
              .as("the tombstone is last: %s", versions)
              .isNull();
        }
        assertThat(outbox(firstHttp)).as("the deposed leader stands by").startsWith("standby");
      } finally {
        TestServices.stop(second);
        TestServices.stop(first);
      }
    }
  }

  @Test
  @DisplayName(
      "a leader stopped while its broker writes are slow marks what it sent before it lets the lock"
          + " go: its successor publishes nothing a second time")
  void stoppedLeaderFinishesItsCycle() {
    int brokerPort = TestServices.freePort();
    try (FaultyTcpProxy toKafka = FaultyTcpProxy.to(brokerPort);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startBehind(brokerPort, toKafka.port())) {
      Map<String, String> env = UsersTestSupport.env();
      env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
      env.put("WATERMARK_INTERVAL", "PT1H"); // idle between changes: only they are in flight
      RunningService leader = UsersTestSupport.start(env);
      TestHttp leaderHttp = new TestHttp(leader.port());
      String pg = env.get("PG_URI");
      RunningService successor = null;
      try {
        Eventually.assertWithin(
            Duration.ofSeconds(20), () -> assertThat(outbox(leaderHttp)).startsWith("publishing"));
        long registered = System.currentTimeMillis();
        String id = UsersTestSupport.register(leaderHttp, "Sam Stopped", 100).getString("id");
        Eventually.assertWithin(Duration.ofSeconds(20), () -> assertThat(unpublished(pg)).isZero());
        // The watermark that follows a publish is sent too: the rename's cycle is then the only one
        // on the slow link (a stop during that watermark's cycle would leave the rename unsent,
        // for the successor, which is also right).
        try (TestTopics topic = new TestTopics(UsersService.TOPIC, broker.bootstrapServers())) {
          topic.readUntil(Duration.ofSeconds(20), rs -> laterWatermark(rs, id, registered));
        }

        toKafka.slowDownOpenConnections(Duration.ofMillis(700));
        leaderHttp.patch(
            "/users/" + id,
            UsersTestSupport.ADMIN,
            new JsonObject().put("name", "Sam Renamed"),
            Map.of());
        Eventually.assertWithin(
            Duration.ofSeconds(5), () -> assertThat(toKafka.held()).isPositive());
        TestServices.stop(leader);
        // Before, the lock went first: the cycle's transaction still committed, and its rows were
        // left unpublished for the next leader.
        assertThat(unpublished(pg)).as("rows sent but not marked published").isZero();

        Map<String, String> next = new HashMap<>(env);
        next.put("HTTP_PORT", Integer.toString(TestServices.freePort()));
        next.put("WATERMARK_INTERVAL", "PT0.2S");
        successor = UsersTestSupport.start(next);
        TestHttp successorHttp = new TestHttp(successor.port());
        Eventually.assertWithin(
            Duration.ofSeconds(20),
            () -> assertThat(outbox(successorHttp)).startsWith("publishing"));
        long after = System.currentTimeMillis() + 500;
        try (TestTopics topic = new TestTopics(UsersService.TOPIC, broker.bootstrapServers())) {
          List<Long> versions =
              topic.readUntil(Duration.ofSeconds(30), rs -> laterWatermark(rs, id, after)).stream()
                  .filter(r -> id.equals(r.key()) && r.value() != null)
                  .map(RelayFencingTest::version)
                  .toList();
          assertThat(versions).as("each version once").containsExactly(1L, 2L);
        }
      } finally {
        TestServices.stop(leader);
        if (successor != null) {
          TestServices.stop(successor);
        }
      }
    }
  }

  /** A watermark on the person's partition, written after {@code afterMillis}. */
  private static boolean laterWatermark(
      List<ConsumerRecord<String, byte[]>> records, String id, long afterMillis) {
    Integer partition =
        records.stream()
            .filter(r -> id.equals(r.key()))
            .map(r -> r.partition())
            .findFirst()
            .orElse(null);
    return partition != null
        && records.stream()
            .anyMatch(
                r ->
                    r.partition() == partition
                        && CloudEventRecords.WATERMARK_TYPE.equals(TestTopics.type(r))
                        && r.timestamp() > afterMillis);
  }

  private static long version(ConsumerRecord<String, byte[]> record) {
    return new JsonObject(new String(record.value(), StandardCharsets.UTF_8)).getLong("version");
  }

  private static String outbox(TestHttp http) {
    return http.get("/health/ready", null).json().getJsonObject("checks").getString("outbox");
  }

  private static long unpublished(String pg) {
    return TestDb.count(pg, "SELECT count(*) FROM outbox WHERE published_at IS NULL");
  }
}
