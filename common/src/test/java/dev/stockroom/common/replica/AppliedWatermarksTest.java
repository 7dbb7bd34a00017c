package dev.stockroom.common.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.db.Database;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FaultyTcpProxy;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Reports pass the applied watermarks instead of joining them per row. What they pass must be what
 * the table holds: read when the process starts, at every batch ANY instance applies (its commit's
 * notification) and every second; never lowered, never ahead of the table.
 */
@DisplayName("The applied watermarks a process passes to its queries")
class AppliedWatermarksTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ReplicaSchema PEOPLE = ReplicaWakeupTest.PEOPLE;

  @Test
  @DisplayName(
      "loaded at start; raised by another instance's committed batch; read from the table every"
          + " second without a notification too; never lowered, and a notification's text is"
          + " believed by no one")
  void loadedRaisedNeverLoweredNeverForged() {
    PlatformConfig config =
        PlatformConfig.from(new Env(TestServices.env("applied_watermarks")), "wmtest", 8098);
    String pg = config.pgUri().toString();
    Vertx vertx = Vertx.vertx();
    try {
      await(Database.migrate(vertx, config, List.of(ReplicaSchema.MIGRATIONS)));
      Instant t1 = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MICROS);
      TestDb.execute(pg, upsert(2, t1));
      TestDb.execute(
          pg,
          "INSERT INTO replica_fields (replica, fields, since) VALUES ('person_replica', '{name}',"
              + " '-infinity')");
      Pool pool = Database.pool(vertx, config);
      ReplicaProgress progress = new ReplicaProgress(Database.connectOptions(config), pool, PEOPLE);
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
                  tx.query(upsert(0, t2))
                      .execute()
                      .compose(v -> ReplicaProgress.notify(tx, PEOPLE))));
      Eventually.assertWithin(WAIT, () -> assertThat(at(progress, 0)).isEqualTo(t2));

      // Written with no notification at all: found by the periodic read (the notified read
      // above has ended: its value is held).
      Instant t3 = t2.plusSeconds(1);
      TestDb.execute(pg, upsert(4, t3));
      Eventually.assertWithin(
          Duration.ofSeconds(10), () -> assertThat(at(progress, 4)).isEqualTo(t3));

      // A forged notification claiming the year 9999 for partition 0 and a huge partition, and
      // the table's value moved back behind the process: neither raises nor lowers what is held.
      await(
          other
              .query(
                  "SELECT pg_notify('replica_progress_person_replica',"
                      + " '0:253402300799000000,500000000:0')")
              .execute());
      TestDb.execute(
          pg, "UPDATE replica_watermarks SET watermark = '" + t1 + "' WHERE partition = 0");
      // Once a later write is held, the reads after the forgery and the step back have happened.
      Instant t4 = t3.plusSeconds(1);
      TestDb.execute(pg, upsert(5, t4));
      Eventually.assertWithin(
          Duration.ofSeconds(10), () -> assertThat(at(progress, 5)).isEqualTo(t4));
      assertThat(progress.watermarks().snapshot().watermarks()).hasSize(6);
      assertThat(at(progress, 0)).isEqualTo(t2);
    } finally {
      await(vertx.close());
    }
  }

  @Test
  @DisplayName(
      "a listening session gone half-open (no close, no answer) is noticed and replaced, and"
          + " the batches after it wake waiting reads again")
  void aHalfOpenListenerIsReplaced() throws Exception {
    PlatformConfig config =
        PlatformConfig.from(new Env(TestServices.env("half_open_listener")), "wmtest", 8099);
    Vertx vertx = Vertx.vertx();
    PgConnectOptions direct = Database.connectOptions(config);
    try (FaultyTcpProxy proxy = FaultyTcpProxy.to(direct.getPort())) {
      await(Database.migrate(vertx, config, List.of(ReplicaSchema.MIGRATIONS)));
      Pool pool = Database.pool(vertx, config);
      ReplicaProgress progress =
          new ReplicaProgress(new PgConnectOptions(direct).setPort(proxy.port()), pool, PEOPLE);
      await(vertx.deployVerticle(progress));
      Eventually.assertWithin(WAIT, () -> assertThat(progress.listening()).isTrue());

      proxy.blackhole();
      // Nothing closes it: only its not answering tells (it stayed "listening" for good).
      Eventually.assertWithin(
          Duration.ofSeconds(20), () -> assertThat(progress.listening()).isFalse());
      proxy.accept();
      Eventually.assertWithin(WAIT, () -> assertThat(progress.listening()).isTrue());

      ReplicaProgress.Wait wait = progress.next(30_000).orElseThrow();
      await(pool.withTransaction(tx -> ReplicaProgress.notify(tx, PEOPLE)));
      long start = System.nanoTime();
      await(wait.woken());
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    } finally {
      await(vertx.close());
    }
  }

  private static String upsert(int partition, Instant at) {
    return "INSERT INTO replica_watermarks (topic, partition, watermark) VALUES ('people.v1', "
        + partition
        + ", '"
        + at
        + "') ON CONFLICT (topic, partition) DO UPDATE SET watermark = EXCLUDED.watermark";
  }

  private static Instant at(ReplicaProgress progress, int partition) {
    OffsetDateTime[] held = progress.watermarks().snapshot().watermarks();
    return partition < held.length && held[partition] != null ? held[partition].toInstant() : null;
  }

  private static <T> T await(Future<T> future) {
    return TestServices.await(future, WAIT);
  }
}
