package dev.stockroom.users;

import static dev.stockroom.users.OutboxResilienceTest.leader;
import static dev.stockroom.users.OutboxResilienceTest.version;
import static dev.stockroom.users.UsersTestSupport.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.outbox.CloudEventRecords;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTopics;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A write behind an event still waiting for the relay sends no notification (their commits all
 * queued on the notification lock); the relay, which looks again after publishing, must still find
 * every such write, with polling a minute apart here.
 */
@DisplayName("Waking the outbox relay without a notification per write")
class OutboxWakeupTest {
  private static final String INSERT =
      "INSERT INTO outbox (topic, event_key, event_type, event_id, payload)"
          + " VALUES ('"
          + UsersService.TOPIC
          + "', '%s', 'test.wakeup', gen_random_uuid(), '{}')";

  @Test
  @DisplayName(
      "writes in bursts, most of them behind an event still waiting (so without a notification):"
          + " every one published long before the 60 s poll")
  void burstsWithoutPolling() throws Exception {
    Map<String, String> env = pollingAMinuteApart();
    RunningService service = UsersTestSupport.start(env);
    ExecutorService writers = Executors.newFixedThreadPool(8);
    try {
      TestHttp http = new TestHttp(service.port());
      Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(leader(http)).isEqualTo(1));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ids.add(UsersTestSupport.register(http, "Burst " + i, 0).getString("id"));
      }
      try (TestTopics topic = new TestTopics(UsersService.TOPIC)) {
        for (int burst = 1; burst <= 5; burst++) {
          List<Future<?>> renames = new ArrayList<>();
          for (String id : ids) {
            for (int n = 0; n < 5; n++) {
              String name = "Burst " + burst + "." + n;
              renames.add(
                  writers.submit(
                      () ->
                          assertThat(
                                  http.patch(
                                          "/users/" + id,
                                          ADMIN,
                                          new JsonObject().put("name", name),
                                          Map.of())
                                      .status())
                              .isEqualTo(200)));
            }
          }
          for (Future<?> rename : renames) {
            rename.get();
          }
          long last = 1 + 5L * burst;
          topic.readUntil(
              Duration.ofSeconds(15),
              records ->
                  ids.stream()
                      .allMatch(
                          id ->
                              records.stream()
                                  .anyMatch(r -> id.equals(r.key()) && version(r) == last)));
        }
      }
    } finally {
      writers.shutdownNow();
      TestServices.stop(service);
    }
  }

  @Test
  @DisplayName(
      "a write that saw an event waiting, committed after the relay's last cycle: published within"
          + " seconds, not at the next poll")
  void lateCommitBehindAWaitingEvent() throws Exception {
    Map<String, String> env = pollingAMinuteApart();
    String db = env.get("PG_URI");
    RunningService service = UsersTestSupport.start(env);
    try (TestTopics topic = new TestTopics(UsersService.TOPIC);
        Connection late = TestDb.connect(db);
        Statement sql = late.createStatement()) {
      TestHttp http = new TestHttp(service.port());
      Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(leader(http)).isEqualTo(1));
      // The relay's marking takes a second: an event it has sent stays waiting that long.
      TestDb.execute(
          db,
          "CREATE FUNCTION slow_mark() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN PERFORM pg_sleep(1); RETURN NULL; END $$");
      TestDb.execute(
          db,
          "CREATE TRIGGER slow_mark AFTER UPDATE ON outbox"
              + " FOR EACH STATEMENT EXECUTE FUNCTION slow_mark()");
      String first = UUID.randomUUID().toString();
      String second = UUID.randomUUID().toString();
      TestDb.execute(db, String.format(INSERT, first));
      topic.readUntil(Duration.ofSeconds(10), records -> has(records, first));

      late.setAutoCommit(false);
      sql.execute(String.format(INSERT, second));
      try (ResultSet waiting =
          sql.executeQuery(
              "SELECT published_at IS NULL FROM outbox WHERE event_key = '" + first + "'")) {
        assertThat(waiting.next() && waiting.getBoolean(1))
            .as("the first event still waits when the second is written")
            .isTrue();
      }
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(
                      TestDb.count(
                          db,
                          "SELECT count(*) FROM outbox WHERE published_at IS NULL"
                              + " AND event_key = '"
                              + first
                              + "'"))
                  .isZero());
      // The watermark that follows the cycle that marked it: the relay has looked again since.
      Instant marked =
          Instant.EPOCH.plus(
              TestDb.count(
                  db,
                  "SELECT (extract(epoch FROM published_at) * 1000000)::bigint FROM outbox"
                      + " WHERE event_key = '"
                      + first
                      + "'"),
              ChronoUnit.MICROS);
      topic.readUntil(Duration.ofSeconds(10), records -> watermarkAfter(records, marked));
      late.commit();

      // Before: left for the next poll, a minute away.
      topic.readUntil(Duration.ofSeconds(10), records -> has(records, second));
    } finally {
      TestServices.stop(service);
    }
  }

  private static Map<String, String> pollingAMinuteApart() {
    Map<String, String> env = UsersTestSupport.env();
    env.put("OUTBOX_POLL_INTERVAL", "PT60S");
    env.put("WATERMARK_INTERVAL", "PT60S");
    return env;
  }

  private static boolean has(List<ConsumerRecord<String, byte[]>> records, String key) {
    return records.stream().anyMatch(r -> key.equals(r.key()));
  }

  private static boolean watermarkAfter(
      List<ConsumerRecord<String, byte[]>> records, Instant marked) {
    return records.stream()
        .filter(r -> r.key() != null && r.key().startsWith(CloudEventRecords.WATERMARK_KEY_PREFIX))
        .map(r -> Instant.parse(new JsonObject(new String(r.value())).getString("watermark")))
        .anyMatch(asOf -> asOf.isAfter(marked));
  }
}
