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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A copy of people projected onto the tasks assigned to them: every write of the copy through the
 * store, and a change of assignee through {@link ReplicaProjection#assignFrom}, leave each task's
 * projected columns equal to its assignee's row in the copy, a camelCase field included.
 */
@DisplayName("A replica projected onto the rows that reference it")
class ReplicaProjectionTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private String pg;
  private static final ReplicaProjection ASSIGNEE =
      new ReplicaProjection("tasks", "code", "assigned_to", "assignee_");
  private static final ReplicaSchema PEOPLE =
      ReplicaSchema.of(
              "person_replica",
              "people.v1",
              "x.person.",
              List.of("name", "departmentName"),
              "shop",
              new OwnerApi("/people", "people"))
          .withProjection(ASSIGNEE);

  @Test
  @DisplayName(
      "upserts, the owner's answers, tombstones and removals refresh the referencing rows; an"
          + " assignment copies the assignee in the same statement")
  void projectionFollowsTheCopy() {
    PlatformConfig config =
        PlatformConfig.from(new Env(TestServices.env("replica_projection")), "projtest", 8098);
    pg = config.pgUri().toString();
    Vertx vertx = Vertx.vertx();
    try {
      await(Database.migrate(vertx, config, List.of(ReplicaSchema.MIGRATIONS)));
      TestDb.execute(
          pg,
          "CREATE TABLE person_replica (id uuid PRIMARY KEY, name text, department_name text,"
              + " version bigint NOT NULL, deleted boolean NOT NULL DEFAULT false,"
              + " synced_at timestamptz NOT NULL, partition integer, reconciled_at timestamptz,"
              + " applied_at timestamptz NOT NULL DEFAULT now())");
      TestDb.execute(
          pg,
          "CREATE TABLE tasks (code text PRIMARY KEY, assigned_to uuid, assignee_id uuid,"
              + " assignee_name text, assignee_department_name text, assignee_version bigint,"
              + " assignee_deleted boolean, assignee_synced_at timestamptz,"
              + " assignee_partition integer)");
      assertThat(ASSIGNEE.columns(PEOPLE)).contains("assignee_department_name");
      Pool pool = Database.pool(vertx, config);
      await(ASSIGNEE.verify(pool, PEOPLE));
      TestDb.execute(
          pg, "CREATE TABLE notes (code text PRIMARY KEY, assigned_to uuid, by_id uuid)");
      Future<Void> incomplete =
          new ReplicaProjection("notes", "code", "assigned_to", "by_").verify(pool, PEOPLE);
      assertThat(
              await(
                  incomplete
                      .map(v -> "started")
                      .recover(e -> Future.succeededFuture(e.getMessage()))))
          .as("a start with a projected column missing fails, naming it")
          .contains("notes, which lacks by_name, by_department_name, by_version");

      ReplicaStore store = new ReplicaStore(pool, PEOPLE);
      UUID ada = UUID.randomUUID();
      UUID bob = UUID.randomUUID();
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      upsert(pool, store, ada, "Ada", "Engines", 1, now);
      upsert(pool, store, bob, "Bob", "Looms", 1, now);

      ReplicaProjection.Assignment assign = ASSIGNEE.assignFrom(PEOPLE, "$2");
      String assignSql =
          "UPDATE tasks SET assigned_to = $2, " + assign.set() + assign.from() + " WHERE code = $1";
      TestDb.execute(pg, "INSERT INTO tasks (code) VALUES ('T1'), ('T2'), ('T3')");
      for (String code : List.of("T1", "T2")) {
        await(pool.preparedQuery(assignSql).execute(Tuple.of(code, ada)));
      }
      await(pool.preparedQuery(assignSql).execute(Tuple.of("T3", UUID.randomUUID())));
      assertThat(department("T1"))
          .as("assigned: copied in the same statement")
          .isEqualTo("Engines");
      assertThat(TestDb.count(pg, "SELECT count(*) FROM tasks WHERE assignee_id IS NULL"))
          .as("an assignee with no copy leaves the projection empty")
          .isEqualTo(1);
      assertThat(drift(pg)).isZero();

      upsert(pool, store, ada, "Ada", "Turbines", 2, now);
      assertThat(department("T2"))
          .as("an event refreshes every referencing row")
          .isEqualTo("Turbines");
      await(pool.preparedQuery(assignSql).execute(Tuple.of("T2", bob)));
      assertThat(department("T2")).isEqualTo("Looms");

      JsonObject answer =
          new JsonObject()
              .put("id", bob.toString())
              .put("name", "Bob")
              .put("departmentName", "Mills")
              .put("version", 3);
      await(store.writeFetched(Map.of(bob, new OwnerAnswer(answer, now))));
      assertThat(department("T2")).as("the owner's answer written back").isEqualTo("Mills");
      String rowVersion = "SELECT xmin::text FROM tasks WHERE code = 'T2'";
      String written = TestDb.text(pg, rowVersion);
      await(store.writeFetched(Map.of(bob, new OwnerAnswer(answer, now.plusMillis(500)))));
      assertThat(TestDb.text(pg, rowVersion))
          .as("the same answer half a second later: within the slack, the task is not rewritten")
          .isEqualTo(written);
      assertThat(drift(pg)).isZero();
      await(store.writeFetched(Map.of(bob, new OwnerAnswer(answer, now.plusSeconds(2)))));
      assertThat(
              TestDb.text(
                  pg,
                  "SELECT assignee_synced_at = '"
                      + now.plusSeconds(2)
                      + "' FROM tasks WHERE code = 'T2'"))
          .as("two seconds later: past the slack, it is")
          .isEqualTo("t");

      await(
          pool.withTransaction(
              tx ->
                  tx.preparedQuery(store.sql().tombstone)
                      .execute(Tuple.of(ada))
                      .compose(v -> store.project(tx, List.of(ada)))));
      assertThat(
              TestDb.count(pg, "SELECT count(*) FROM tasks WHERE code = 'T1' AND assignee_deleted"))
          .as("a tombstone")
          .isEqualTo(1);
      assertThat(drift(pg)).isZero();

      await(
          pool.withTransaction(
              tx ->
                  tx.query("DELETE FROM person_replica WHERE id = '" + bob + "'")
                      .execute()
                      .compose(v -> store.project(tx, List.of(bob)))));
      assertThat(TestDb.count(pg, "SELECT count(*) FROM tasks WHERE assignee_id IS NULL"))
          .as("a removed copy empties the projection")
          .isEqualTo(2);
      assertThat(drift(pg)).isZero();
    } finally {
      await(vertx.close());
    }
  }

  private static void upsert(
      Pool pool, ReplicaStore store, UUID id, String name, String department, long v, Instant at) {
    JsonObject data = new JsonObject().put("name", name).put("departmentName", department);
    await(
        pool.withTransaction(
            tx ->
                tx.preparedQuery(store.sql().upsertEvent)
                    .execute(store.tuple(id, data, v, false, at, 0))
                    .compose(written -> store.project(tx, List.of(id)))));
  }

  private String department(String code) {
    return TestDb.text(
        pg, "SELECT assignee_department_name FROM tasks WHERE code = '" + code + "'");
  }

  /**
   * Tasks whose projected assignee differs from a join with the copy: in any column but synced_at,
   * or by a synced_at ahead of the copy's or further behind than the slack.
   */
  private static long drift(String pg) {
    return TestDb.count(
        pg,
        "SELECT count(*) FROM tasks t LEFT JOIN person_replica r ON r.id = t.assigned_to WHERE"
            + " (t.assignee_id, t.assignee_name, t.assignee_department_name, t.assignee_version,"
            + " t.assignee_deleted, t.assignee_partition) IS DISTINCT FROM"
            + " (r.id, r.name, r.department_name, r.version, r.deleted, r.partition)"
            + " OR (t.assignee_synced_at IS DISTINCT FROM r.synced_at AND NOT coalesce("
            + "t.assignee_synced_at BETWEEN r.synced_at - interval '"
            + ReplicaProjection.SYNCED_AT_SLACK
            + "' AND r.synced_at, false))");
  }

  private static <T> T await(Future<T> future) {
    return TestServices.await(future, WAIT);
  }
}
