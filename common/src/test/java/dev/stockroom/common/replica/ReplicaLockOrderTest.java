package dev.stockroom.common.replica;

import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.db.Database;
import dev.stockroom.common.replica.ReplicaEvent.Upsert;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The copy's writers (the consumer's batches, the owner's answers written back) lock people's rows
 * in one order, so two of them writing the same people wait for each other instead of deadlocking.
 * Run 9's mixed load logged a write-back that failed with {@code deadlock detected}.
 */
@DisplayName("A replica's writers lock the same people in one order")
class ReplicaLockOrderTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ReplicaSchema PEOPLE =
      ReplicaSchema.of(
          "ordered_replica",
          "ordered.v1",
          "x.ordered.",
          List.of("name"),
          "shop",
          new OwnerApi("/people", "people"));
  private static Vertx vertx;
  private static Pool pool;
  // The other writer's own connections: the test's pools hold one connection per event loop, and
  // two writers sharing one would take turns instead of racing.
  private static Pool otherPool;
  private static String pg;
  private static ReplicaStore store;
  private static ReplicaApplier applier;

  @BeforeAll
  static void start() {
    Map<String, String> env = TestServices.env("replica_lock_order");
    PlatformConfig config = PlatformConfig.from(new Env(env), "ordertest", 8096);
    pg = config.pgUri().toString();
    vertx = Vertx.vertx();
    await(Database.migrate(vertx, config, List.of(ReplicaSchema.MIGRATIONS)));
    TestDb.execute(
        pg,
        "CREATE TABLE ordered_replica (id uuid PRIMARY KEY, name text, version bigint NOT NULL,"
            + " deleted boolean NOT NULL DEFAULT false, synced_at timestamptz NOT NULL,"
            + " partition integer, reconciled_at timestamptz,"
            + " applied_at timestamptz NOT NULL DEFAULT now())");
    pool = Database.pool(vertx, config);
    otherPool = Database.pool(vertx, config);
    store = new ReplicaStore(pool, PEOPLE);
    applier =
        new ReplicaApplier(
            store, ReplicaSettings.from(new Env(env), "PEOPLE_URL", "http://localhost:1"));
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "the owner's answers are written back in the people's order, whatever order they came in")
  void writeBackInOrder() {
    UUID[] people = twoPeople();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Map<UUID, OwnerAnswer> reversed = new LinkedHashMap<>();
    reversed.put(people[1], answer(people[1], 3, at));
    reversed.put(people[0], answer(people[0], 3, at));

    whileAnotherWriterHoldsTheFirst(people, () -> store.writeFetched(reversed));

    assertThat(version(people[0])).isEqualTo("3");
    assertThat(version(people[1])).isEqualTo("3");
  }

  @Test
  @DisplayName("a batch of events is applied in the people's order, whatever order it came in")
  void batchInOrder() {
    UUID[] people = twoPeople();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<ReplicaEvent> reversed =
        List.of(
            new Upsert(people[1], new JsonObject().put("name", "b"), 3, false, 0, at),
            new Upsert(people[0], new JsonObject().put("name", "a"), 3, false, 0, at));

    whileAnotherWriterHoldsTheFirst(
        people, () -> pool.withTransaction(tx -> applier.apply(tx, reversed)));

    assertThat(version(people[0])).isEqualTo("3");
    assertThat(version(people[1])).isEqualTo("3");
  }

  @Test
  @DisplayName(
      "the lock order is PostgreSQL's order of uuid, the order the reconciliation repairs in")
  void lockOrderIsPostgresOrder() {
    List<UUID> ids =
        Stream.generate(UUID::randomUUID).limit(64).sorted(ReplicaStore.LOCK_ORDER).toList();
    String array =
        ids.stream().map(id -> "'" + id + "'").collect(joining(",", "ARRAY[", "]::uuid[]"));
    assertThat(
            TestDb.text(
                pg,
                "SELECT string_agg(id::text, ',' ORDER BY id) FROM unnest(" + array + ") AS id"))
        .isEqualTo(ids.stream().map(UUID::toString).collect(joining(",")));
  }

  /** Two people in the copy at version 1, in the order every writer locks them. */
  private static UUID[] twoPeople() {
    UUID[] people = {UUID.randomUUID(), UUID.randomUUID()};
    Arrays.sort(people, ReplicaStore.LOCK_ORDER);
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(10);
    Map<UUID, OwnerAnswer> first = new LinkedHashMap<>();
    for (UUID id : people) {
      first.put(id, answer(id, 1, at));
    }
    await(store.writeFetched(first));
    return people;
  }

  /**
   * Another writer locks the first person, and the second only after {@code write} has started: a
   * write that locks the second person first deadlocks with it, and PostgreSQL fails one of them.
   */
  private static void whileAnotherWriterHoldsTheFirst(UUID[] people, Supplier<Future<?>> write) {
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(5);
    Future<Void> other =
        otherPool.withTransaction(
            tx ->
                upsert(tx, people[0], 2, at)
                    .compose(v -> tx.query("SELECT pg_sleep(0.5)").execute())
                    .compose(v -> upsert(tx, people[1], 2, at)));
    Promise<Void> started = Promise.promise();
    vertx.setTimer(100, t -> started.complete());
    Future<?> written = started.future().compose(v -> write.get());
    Future<?> both = Future.join(other, written);
    TestServices.await(both.otherwise(e -> null), WAIT);
    assertThat(other.failed() ? other.cause().toString() : "committed")
        .as("the other writer")
        .isEqualTo("committed");
    assertThat(written.failed() ? written.cause().toString() : "committed")
        .as("the write")
        .isEqualTo("committed");
  }

  private static Future<Void> upsert(SqlClient tx, UUID id, long version, Instant at) {
    return tx.preparedQuery(store.sql().upsertEvent)
        .execute(store.tuple(id, new JsonObject().put("name", "other"), version, false, at, 0))
        .mapEmpty();
  }

  private static OwnerAnswer answer(UUID id, long version, Instant asOf) {
    return new OwnerAnswer(
        new JsonObject().put("id", id.toString()).put("name", "owner").put("version", version),
        asOf);
  }

  private static String version(UUID id) {
    return TestDb.text(pg, "SELECT version::text FROM ordered_replica WHERE id = '" + id + "'");
  }

  private static <T> T await(Future<T> future) {
    return TestServices.await(future, WAIT);
  }
}
