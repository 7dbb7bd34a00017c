package dev.stockroom.users;

import static dev.stockroom.users.UsersTestSupport.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FaultyTcpProxy;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestInfra;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTopics;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The outbox relay")
class OutboxResilienceTest {
  /**
   * The broker of a test that stops Kafka, instead of the shared one: a broker stopped while a
   * producer was inside a transaction can keep that transaction open in the topic for good, and
   * every later read_committed consumer then waits behind it (a CI run had every later replica test
   * fail); a private broker takes that state with it when closed.
   */
  private EmbeddedKafkaBroker kafka;

  @AfterEach
  void closeBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private Map<String, String> envWithItsOwnBroker() {
    kafka = EmbeddedKafkaBroker.start(null, 0);
    Map<String, String> env = UsersTestSupport.env();
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    return env;
  }

  @Test
  @DisplayName(
      "200 writes made while the broker is down all succeed and are all published once it is back")
  void brokerOutage() {
    Map<String, String> env = envWithItsOwnBroker();
    RunningService service = UsersTestSupport.start(env);
    TestHttp http = new TestHttp(service.port());
    try {
      kafka.stop();
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        ids.add(UsersTestSupport.register(http, "Offline " + i, 0).getString("id"));
      }
      assertThat(
              TestDb.count(
                  env.get("PG_URI"), "SELECT count(*) FROM outbox WHERE published_at IS NULL"))
          .isEqualTo(200);
      kafka.restart();
      try (TestTopics topic = new TestTopics(UsersService.TOPIC, kafka.bootstrapServers())) {
        topic.readUntil(
            Duration.ofSeconds(60),
            records ->
                records.stream().map(ConsumerRecord::key).filter(ids::contains).distinct().count()
                    == 200);
      }
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(
                      TestDb.count(
                          env.get("PG_URI"),
                          "SELECT count(*) FROM outbox WHERE published_at IS NULL"))
                  .isZero());
    } finally {
      TestServices.stop(service);
    }
  }

  @Test
  @DisplayName(
      "writes keep coming while the broker is down longer than a transaction may stay open; all of them reach Kafka within 10 s of its return")
  void longOutageUnderWrites() throws InterruptedException {
    Map<String, String> env = envWithItsOwnBroker();
    RunningService service = UsersTestSupport.start(env);
    TestHttp http = new TestHttp(service.port());
    Set<String> ids = ConcurrentHashMap.newKeySet();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<Throwable> writeFailure = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                while (writing.get()) {
                  ids.add(UsersTestSupport.register(http, "Steady", 0).getString("id"));
                  // Paced (at most ~200/s): the backlog, and so the time asserted below, should
                  // not grow with how fast this machine writes.
                  java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                }
              } catch (RuntimeException | AssertionError e) {
                writeFailure.set(e);
              }
            },
            "steady-writer");
    try {
      Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(leader(http)).isEqualTo(1));
      writer.start();
      Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(ids).hasSizeGreaterThan(20));
      kafka.stop();
      long stopped = System.nanoTime();
      // The outage itself: longer than the relay's transactions may stay open (10 s), with writes
      // piling up in the outbox all along.
      Eventually.assertWithin(
          Duration.ofSeconds(30),
          () -> {
            assertThat(Duration.ofNanos(System.nanoTime() - stopped))
                .isGreaterThan(Duration.ofSeconds(12));
            assertThat(
                    TestDb.count(
                        env.get("PG_URI"),
                        "SELECT count(*) FROM outbox WHERE published_at IS NULL"))
                .isGreaterThan(50);
          });
      kafka.restart();
      long back = System.nanoTime();
      writing.set(false);
      writer.join(10_000);
      assertThat(writeFailure.get()).as("every write while the broker was away").isNull();
      try (TestTopics topic = new TestTopics(UsersService.TOPIC, kafka.bootstrapServers())) {
        topic.readUntil(
            Duration.ofSeconds(60),
            records ->
                records.stream().map(ConsumerRecord::key).filter(ids::contains).distinct().count()
                    == ids.size());
      }
      assertThat(Duration.ofNanos(System.nanoTime() - back))
          .as("every write of the outage (%d) in Kafka after the broker returned", ids.size())
          .isLessThan(Duration.ofSeconds(10));
    } finally {
      writing.set(false);
      writer.join(10_000);
      TestServices.stop(service);
    }
  }

  @Test
  @DisplayName(
      "with two instances one relay publishes; when it stops the other takes over, and every"
          + " version reaches the topic")
  void failover() {
    Map<String, String> env = UsersTestSupport.env();
    RunningService first = UsersTestSupport.start(env);
    Map<String, String> secondEnv = new HashMap<>(env);
    secondEnv.put("HTTP_PORT", Integer.toString(TestServices.freePort()));
    RunningService second = UsersTestSupport.start(secondEnv);
    TestHttp one = new TestHttp(first.port());
    TestHttp two = new TestHttp(second.port());
    try {
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () -> assertThat(leader(one) + leader(two)).as("exactly one active relay").isEqualTo(1));
      RunningService active = leader(one) == 1 ? first : second;
      TestHttp standby = active == first ? two : one;

      String id = UsersTestSupport.register(standby, "Failover Person", 0).getString("id");
      for (int i = 1; i <= 10; i++) {
        standby.patch("/users/" + id, ADMIN, new JsonObject().put("name", "Before " + i), Map.of());
      }
      TestServices.stop(active);
      Eventually.assertWithin(
          Duration.ofSeconds(10), () -> assertThat(leader(standby)).isEqualTo(1));
      for (int i = 1; i <= 10; i++) {
        standby.patch("/users/" + id, ADMIN, new JsonObject().put("name", "After " + i), Map.of());
      }
      try (TestTopics topic = new TestTopics(UsersService.TOPIC)) {
        List<ConsumerRecord<String, byte[]>> mine =
            topic
                .readUntil(
                    Duration.ofSeconds(30),
                    records ->
                        records.stream().anyMatch(r -> id.equals(r.key()) && version(r) == 21))
                .stream()
                .filter(r -> id.equals(r.key()))
                .toList();
        // A version-guarded consumer keeps the newest it saw: the last one written.
        assertThat(mine.stream().mapToLong(OutboxResilienceTest::version).max()).hasValue(21);
        assertThat(mine.stream().map(OutboxResilienceTest::version).distinct().count())
            .as("no version lost")
            .isEqualTo(21);
      }
    } finally {
      TestServices.stop(first);
      TestServices.stop(second);
    }
  }

  @Test
  @DisplayName(
      "a leader cut off without a word (power lost, packets dropped) does not keep the relay lock:"
          + " the other instance publishes within seconds, not after TCP keepalive's two hours")
  void leaderLostWithoutAWord() {
    try (FaultyTcpProxy link = FaultyTcpProxy.to(TestInfra.postgres().port())) {
      Map<String, String> env = UsersTestSupport.env();
      String direct = env.get("PG_URI");
      Map<String, String> behindLink = new HashMap<>(env);
      behindLink.put(
          "PG_URI",
          direct.replace(
              ":" + java.net.URI.create(direct).getPort() + "/", ":" + link.port() + "/"));
      RunningService first = UsersTestSupport.start(behindLink);
      TestHttp one = new TestHttp(first.port());
      RunningService second = null;
      try {
        Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(leader(one)).isEqualTo(1));
        Map<String, String> secondEnv = new HashMap<>(env);
        secondEnv.put("HTTP_PORT", Integer.toString(TestServices.freePort()));
        second = UsersTestSupport.start(secondEnv);
        TestHttp two = new TestHttp(second.port());

        link.blackhole();
        String id = UsersTestSupport.register(two, "Published Anyway", 0).getString("id");
        // Before: PostgreSQL kept the silent leader's session, and with it the lock, until its
        // TCP keepalive gave up (about two hours by default); nothing was published meanwhile.
        Eventually.assertWithin(Duration.ofSeconds(30), () -> assertThat(leader(two)).isEqualTo(1));
        try (TestTopics topic = new TestTopics(UsersService.TOPIC)) {
          assertThat(
                  topic.readUntil(
                      Duration.ofSeconds(15),
                      records -> records.stream().anyMatch(r -> id.equals(r.key()))))
              .anyMatch(r -> id.equals(r.key()));
        }
      } finally {
        if (second != null) {
          TestServices.stop(second);
        }
        link.close();
        TestServices.stop(first);
      }
    }
  }

  @Test
  @DisplayName(
      "a notification wakes the relay without polling, and published records are purged after the retention")
  void notifyAndPurge() {
    Map<String, String> env = UsersTestSupport.env();
    env.put("OUTBOX_POLL_INTERVAL", "PT60S");
    env.put("WATERMARK_INTERVAL", "PT60S");
    env.put("OUTBOX_RETENTION", "PT1S");
    RunningService service = UsersTestSupport.start(env);
    try {
      TestHttp http = new TestHttp(service.port());
      Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(leader(http)).isEqualTo(1));
      String id = UsersTestSupport.register(http, "Notified", 0).getString("id");
      long start = System.nanoTime();
      try (TestTopics topic = new TestTopics(UsersService.TOPIC)) {
        topic.readUntil(
            Duration.ofSeconds(10), records -> records.stream().anyMatch(r -> id.equals(r.key())));
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("published long before the 60 s poll")
          .isLessThan(Duration.ofSeconds(10));
      Eventually.assertWithin(
          Duration.ofSeconds(15),
          () ->
              assertThat(TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM outbox"))
                  .as("purged")
                  .isZero());
    } finally {
      TestServices.stop(service);
    }
  }

  static long version(ConsumerRecord<String, byte[]> record) {
    return new JsonObject(new String(record.value())).getLong("version");
  }

  private static final Pattern LEADER =
      Pattern.compile("(?m)^outbox_relay_leader\\{[^}]*} ([0-9.]+)$");

  static int leader(TestHttp http) {
    Matcher m = LEADER.matcher(http.get("/metrics", null).body());
    return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
  }
}
