package dev.stockroom.common.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.db.Database;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Reports pass the applied watermarks instead of joining them per row. What they pass must be what
 * was committed: loaded when the process starts listening, raised by every batch ANY instance
 * applies (its commit's notification), never lowered, never ahead of the table.
 */
@DisplayName("The applied watermarks a process passes to its queries")
class AppliedWatermarksTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ReplicaSchema PEOPLE =
      ReplicaSchema.of(
          "person_replica",
          "people.v1",
          "x.person.",
          List.of("name"),
          "shop",
          new OwnerApi("/people", "people"));

  @Test
  @DisplayName(
      "loaded at start, raised by another instance's committed batch, never lowered, and an"
          + " unreadable notification changes nothing")
  void loadedRaisedNeverLowered() {
    PlatformConfig config =
        PlatformConfig.from(new Env(TestServices.env("applied_watermarks")), "wmtest", 8098);
    String pg = config.pgUri().toString();
    Vertx vertx = Vertx.vertx();
    try {
      await(Database.migrate(vertx, config, List.of(ReplicaSchema.MIGRATIONS)));
      Instant t1 = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MICROS);
      TestDb.execute(
          pg,
          "INSERT INTO replica_watermarks (topic, partition, watermark) VALUES ('people.v1', 2, '"
              + t1
              + "')");
      TestDb.execute(
          pg,
          "INSERT INTO replica_fields (replica, fields, since) VALUES ('person_replica', '{name}',"
              + " '-infinity')");
      ReplicaProgress progress = new ReplicaProgress(Database.connectOptions(config), PEOPLE);
      await(vertx.deployVerticle(progress));

      // Loaded before the start completed: the first report already has it.
      AppliedWatermarks.Snapshot started = progress.watermarks().snapshot();
      assertThat(started.watermarks()).hasSize(3);
      assertThat(started.watermarks()[2].toInstant()).isEqualTo(t1);
      assertThat(started.since())
          .as("-infinity: before every row")
          .isBefore(OffsetDateTime.now().minusYears(100));

      // A batch committed elsewhere (another instance's consumer, on its own connection).
      Pool other = Database.pool(vertx, config);
      Instant t2 = t1.plusSeconds(30);
      await(
          other.withTransaction(
              tx ->
                  tx.preparedQuery(
                          "INSERT INTO replica_watermarks (topic, partition, watermark)"
                              + " VALUES ('people.v1', 0, $1)")
                      .execute(Tuple.of(OffsetDateTime.ofInstant(t2, ZoneOffset.UTC)))
                      .compose(v -> ReplicaProgress.notify(tx, PEOPLE, Map.of(0, t2)))));
      Eventually.assertWithin(
          WAIT,
          () -> {
            OffsetDateTime[] now = progress.watermarks().snapshot().watermarks();
            assertThat(now[0]).isNotNull();
            assertThat(now[0].toInstant()).isEqualTo(t2);
            assertThat(now[2].toInstant()).isEqualTo(t1);
          });

      // An older value (a batch behind the table) and a payload nobody wrote change nothing.
      await(
          other.withTransaction(
              tx -> ReplicaProgress.notify(tx, PEOPLE, Map.of(0, t1, 5, t2.plusSeconds(1)))));
      await(
          other
              .query("SELECT pg_notify('replica_progress_person_replica', 'not:a,payload')")
              .execute());
      Eventually.assertWithin(
          WAIT,
          () ->
              assertThat(progress.watermarks().snapshot().watermarks())
                  .as("partition 5 heard of, partition 0 not lowered")
                  .hasSize(6));
      OffsetDateTime[] after = progress.watermarks().snapshot().watermarks();
      assertThat(after[0].toInstant()).isEqualTo(t2);
      assertThat(after[5].toInstant()).isEqualTo(t2.plusSeconds(1));
    } finally {
      await(vertx.close());
    }
  }

  @Test
  @DisplayName("the notification's payload reads back what was written, the epoch and before too")
  void payloadRoundTrip() {
    Instant epoch = Instant.EPOCH;
    Instant before = Instant.parse("1969-12-31T23:59:59.999999Z");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    String payload = "0:0,1:-1,2:" + (now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
    assertThat(ReplicaProgress.applied(payload)).isEqualTo(Map.of(0, epoch, 1, before, 2, now));
    assertThat(ReplicaProgress.applied("")).isEmpty();
    assertThat(ReplicaProgress.applied("x")).isEmpty();
  }

  private static <T> T await(Future<T> future) {
    return TestServices.await(future, WAIT);
  }
}
