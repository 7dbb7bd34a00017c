package dev.stockroom.common.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.db.Database;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Where the copy's rows come from three writers (events, the owner's answers, reconciliation), the
 * version decides what is newer and the partition decides which watermark vouches for a row.
 */
@DisplayName("A replica's rows written by events and by the owner's answers")
class ReplicaVersionGuardTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ReplicaSchema PEOPLE =
      ReplicaSchema.of(
          "guarded_replica",
          "guarded.v1",
          "x.guarded.",
          List.of("name"),
          "shop",
          new OwnerApi("/people", "people"));
  private static Vertx vertx;
  private static Pool pool;
  private static String pg;
  private static ReplicaStore store;

  @BeforeAll
  static void start() {
    PlatformConfig config =
        PlatformConfig.from(new Env(TestServices.env("replica_guard")), "guardtest", 8097);
    pg = config.pgUri().toString();
    vertx = Vertx.vertx();
    await(Database.migrate(vertx, config, List.of(ReplicaSchema.MIGRATIONS)));
    TestDb.execute(
        pg,
        "CREATE TABLE guarded_replica (id uuid PRIMARY KEY, name text, version bigint NOT NULL,"
            + " deleted boolean NOT NULL DEFAULT false, synced_at timestamptz NOT NULL,"
            + " partition integer, reconciled_at timestamptz,"
            + " applied_at timestamptz NOT NULL DEFAULT now())");
    pool = Database.pool(vertx, config);
    store = new ReplicaStore(pool, PEOPLE);
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "a row the owner's answer wrote first takes its partition from the same version's event, so"
          + " the watermarks vouch for it; a held-back row stays held back")
  void eventGivesTheOwnersRowItsPartition() {
    UUID ada = UUID.randomUUID();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    await(store.writeFetched(Map.of(ada, answer(ada, "Ada", 1, at))));
    assertThat(partition(ada)).as("the owner's answer: no partition").isNull();

    event(ada, "Ada", 1, at.minusMillis(5), 2);
    assertThat(partition(ada))
        .as("the same version's event, values unchanged: its partition's watermark vouches now")
        .isEqualTo("2");

    UUID bob = UUID.randomUUID();
    event(bob, "Bob", 1, at, 1);
    TestDb.execute(
        pg,
        "UPDATE guarded_replica SET partition = "
            + ReplicaSql.HELD_BACK
            + " WHERE id = '"
            + bob
            + "'");
    event(bob, "Bob", 1, at, 1);
    assertThat(partition(bob))
        .as("a redelivered event does not end a hold: a later change of Bob's is parked")
        .isEqualTo(String.valueOf(ReplicaSql.HELD_BACK));
  }

  @Test
  @DisplayName(
      "a held-back row is not taken back to an older version by an owner's answer read later than"
          + " the row's event was written (its transaction still open at the owner)")
  void olderAnswerDoesNotUndoAHeldBackRow() {
    UUID cy = UUID.randomUUID();
    Instant v6written = Instant.now().minusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);
    event(cy, "Cy 6", 6, v6written, 0);
    TestDb.execute(
        pg,
        "UPDATE guarded_replica SET partition = "
            + ReplicaSql.HELD_BACK
            + " WHERE id = '"
            + cy
            + "'");
    await(store.writeFetched(Map.of(cy, answer(cy, "Cy 5", 5, v6written.plusSeconds(1)))));
    assertThat(
            TestDb.text(
                pg, "SELECT version || ' ' || name FROM guarded_replica WHERE id = '" + cy + "'"))
        .isEqualTo("6 Cy 6");

    await(store.writeFetched(Map.of(cy, answer(cy, "Cy 6", 6, v6written.plusSeconds(2)))));
    assertThat(partition(cy))
        .as("the owner's answer of the same version still ends the hold")
        .isNull();
  }

  private static OwnerAnswer answer(UUID id, String name, long version, Instant asOf) {
    return new OwnerAnswer(
        new JsonObject().put("id", id.toString()).put("name", name).put("version", version), asOf);
  }

  private static void event(UUID id, String name, long version, Instant at, int partition) {
    await(
        pool.preparedQuery(store.sql().upsertEvent)
            .execute(
                store.tuple(id, new JsonObject().put("name", name), version, false, at, partition))
            .mapEmpty());
  }

  private static String partition(UUID id) {
    return TestDb.text(pg, "SELECT partition::text FROM guarded_replica WHERE id = '" + id + "'");
  }

  private static <T> T await(Future<T> future) {
    return TestServices.await(future, WAIT);
  }
}
