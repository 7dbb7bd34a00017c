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
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A read with a consistency token whose rows were behind when it loaded them waits for the next
 * batch. A batch applied between that load and the wait must not be missed: with no later batch (a
 * quiet system), the read would sit out its whole wait before looking again.
 */
@DisplayName("A read waiting for its token sees a batch applied just before it began to wait")
class ReplicaWakeupTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration MAX_WAIT = Duration.ofSeconds(10);
  static final ReplicaSchema PEOPLE =
      ReplicaSchema.of(
          "person_replica",
          "people.v1",
          "x.person.",
          List.of("name"),
          "shop",
          new OwnerApi("/people", "people"));

  @Test
  void aBatchAppliedSinceTheCallersReadAnswersAtOnce() {
    PlatformConfig config =
        PlatformConfig.from(new Env(TestServices.env("replica_wakeup")), "waketest", 8097);
    String pg = config.pgUri().toString();
    Vertx vertx = Vertx.vertx();
    try {
      await(Database.migrate(vertx, config, List.of(ReplicaSchema.MIGRATIONS)));
      TestDb.execute(
          pg,
          "CREATE TABLE person_replica (id uuid PRIMARY KEY, name text, version bigint NOT NULL,"
              + " deleted boolean NOT NULL DEFAULT false, synced_at timestamptz NOT NULL,"
              + " partition integer, reconciled_at timestamptz,"
              + " applied_at timestamptz NOT NULL DEFAULT now())");
      Pool pool = Database.pool(vertx, config);
      ReplicaStore store = new ReplicaStore(pool, PEOPLE);
      ReplicaProgress progress = new ReplicaProgress(Database.connectOptions(config), pool, PEOPLE);
      await(vertx.deployVerticle(progress));
      Eventually.assertWithin(WAIT, () -> assertThat(progress.listening()).isTrue());
      // No owner: everything this read needs is in the copy by the time it waits.
      Replica replica = new Replica(store, null, progress);

      Instant written = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      ConsistencyToken token = new ConsistencyToken(written);
      UUID ada = UUID.randomUUID();
      // What the caller loaded (say, joined into its query) before the rename's event arrived...
      LocalRow loaded =
          new LocalRow(ada, new JsonObject().put("name", "Ada"), 1, false, written.minusSeconds(1));
      // ...and the batch that brought it, applied before the read began to wait, with none after.
      await(
          pool.withTransaction(
              tx ->
                  tx.preparedQuery(store.sql().upsertEvent)
                      .execute(
                          store.tuple(
                              ada,
                              new JsonObject().put("name", "Ada Lovelace"),
                              2,
                              false,
                              written.plusMillis(1),
                              0))));

      long start = System.nanoTime();
      Map<UUID, ReplicaEntry> answer =
          await(
              replica.resolve(
                  List.of(ada),
                  Map.of(ada, loaded),
                  Duration.ofHours(1),
                  Optional.of(new ReadYourWrites(token, MAX_WAIT))));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      ReplicaEntry entry = answer.get(ada);
      assertThat(entry.data().getString("name")).isEqualTo("Ada Lovelace");
      assertThat(entry.freshness().source()).isEqualTo(Freshness.REPLICA);
      assertThat(took)
          .as("answered without sitting out the wait")
          .isLessThan(MAX_WAIT.dividedBy(2));
    } finally {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) {
    return TestServices.await(future, WAIT);
  }
}
