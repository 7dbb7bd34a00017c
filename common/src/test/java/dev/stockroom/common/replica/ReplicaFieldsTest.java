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
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A consuming service's new version copies one field more ({@code departmentName}, in column
 * department_name). Rows copied before have no value for it, so they must not claim to be current
 * through their partition's watermark until they are written again.
 */
@DisplayName("A replica whose field list grew")
class ReplicaFieldsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final OwnerApi OWNER = new OwnerApi("/people", "people");

  private static ReplicaSchema schema(List<String> fields) {
    return ReplicaSchema.of("person_replica", "people.v1", "x.person.", fields, "shop", OWNER);
  }

  @Test
  @DisplayName(
      "stops claiming rows copied before are current (they lack the new field) until they are"
          + " written again or a full pass backfills them; every start retries until one has")
  void newFieldsAreNotClaimedUntilWritten() {
    PlatformConfig config =
        PlatformConfig.from(new Env(TestServices.env("replica_fields")), "fieldstest", 8099);
    Vertx vertx = Vertx.vertx();
    try {
      await(Database.migrate(vertx, config, List.of(ReplicaSchema.MIGRATIONS)));
      TestDb.execute(
          config.pgUri().toString(),
          "CREATE TABLE person_replica (id uuid PRIMARY KEY, name text, department_name text,"
              + " version bigint NOT NULL, deleted boolean NOT NULL DEFAULT false,"
              + " synced_at timestamptz NOT NULL, partition integer, reconciled_at timestamptz,"
              + " applied_at timestamptz NOT NULL DEFAULT now())");
      Pool pool = Database.pool(vertx, config);
      UUID id = UUID.randomUUID();
      Instant copied = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
      Instant watermark = Instant.now().truncatedTo(ChronoUnit.MILLIS);

      ReplicaSchema before = schema(List.of("name"));
      assertThat(await(ReplicaFields.register(pool, before))).as("first start").isFalse();
      ReplicaStore old = new ReplicaStore(pool, before);
      await(
          pool.preparedQuery(old.sql().upsertEvent)
              .execute(old.tuple(id, new JsonObject().put("name", "Ada"), 1, false, copied, 0)));
      await(pool.withTransaction(tx -> old.applyWatermarks(tx, Map.of(0, watermark))));
      assertThat(await(old.read(List.of(id))).get(id).asOf())
          .as("current as of its partition's watermark")
          .isEqualTo(watermark);

      ReplicaSchema after = schema(List.of("name", "departmentName"));
      assertThat(await(ReplicaFields.register(pool, after))).as("the new version starts").isTrue();
      assertThat(await(ReplicaFields.register(pool, after)))
          .as("another instance of it, before any backfill completed, tries it too")
          .isTrue();
      Object since = sinceOf(config);
      assertThat(await(ReplicaFields.register(pool, before)))
          .as("an old instance still running in a rolling deploy")
          .isTrue();
      assertThat(sinceOf(config)).as("the shorter list changes nothing").isEqualTo(since);
      ReplicaStore store = new ReplicaStore(pool, after);
      LocalRow stale = await(store.read(List.of(id))).get(id);
      assertThat(stale.asOf()).as("only as of its own copy, not the watermark").isEqualTo(copied);
      assertThat(stale.data().getMap()).containsEntry("name", "Ada").containsKey("departmentName");

      // The backfill: the owner has no department for Ada either, so her row's values do not
      // change; the pass still writes that it found her current as of its start.
      OffsetDateTime start =
          await(pool.query("SELECT statement_timestamp() AS t").execute())
              .iterator()
              .next()
              .getOffsetDateTime("t");
      await(
          pool.preparedQuery(store.sql().upsertEvent)
              .execute(
                  store.tuple(
                      id, new JsonObject().put("name", "Ada"), 1, false, start.toInstant(), null)));
      await(
          pool.preparedQuery(store.sql().markReconciled)
              .execute(Tuple.of(new UUID[] {id}, start, start)));
      await(ReplicaFields.backfilled(pool, after, start));
      Instant later = Instant.now().plusMillis(5).truncatedTo(ChronoUnit.MILLIS);
      await(pool.withTransaction(tx -> store.applyWatermarks(tx, Map.of(0, later))));
      assertThat(await(store.read(List.of(id))).get(id).asOf())
          .as("backfilled: current through its partition's watermark again")
          .isEqualTo(later);
      assertThat(await(ReplicaFields.register(pool, after)))
          .as("a later start: nothing left to backfill")
          .isFalse();

      Instant answered = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      JsonObject owner =
          new JsonObject()
              .put("id", id.toString())
              .put("name", "Ada")
              .put("departmentName", "Engines")
              .put("version", 2);
      await(store.writeFetched(Map.of(id, new OwnerAnswer(owner, answered))));
      LocalRow written = await(store.read(List.of(id))).get(id);
      assertThat(written.data().getString("departmentName")).isEqualTo("Engines");
    } finally {
      await(vertx.close());
    }
  }

  private static Object sinceOf(PlatformConfig config) {
    return TestDb.text(
        config.pgUri().toString(),
        "SELECT since::text FROM replica_fields WHERE replica = 'person_replica'");
  }

  private static <T> T await(Future<T> future) {
    return TestServices.await(future, WAIT);
  }
}
