package dev.stockroom.inventory.replica;

import static dev.stockroom.inventory.replica.ReplicaFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.replica.ReplicaProjection;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The report reads each item's stocker from the copy projected onto the item row. Every path that
 * writes the copy, and the restock that changes who stocked an item, must leave the projection
 * equal to what a join of items and user_replica would give; nothing else checks it at run time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The stocker projected onto items")
class StockerProjectionTest {
  private static final String REPORT = "/items/low-stock?below=1000&limit=200";
  private ReplicaFixture system;
  private String pg;
  private final String reporter = TestTokens.forRoles("reporter", "stocker");
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeAll
  void start() {
    system = new ReplicaFixture(Map.of());
    pg = system.inventoryEnv.get("PG_URI");
  }

  @AfterAll
  void stop() {
    system.close();
  }

  /**
   * Items whose projected stocker differs from the join the projection stands for: in any column
   * but synced_at, or by a synced_at ahead of the copy's or further behind than the slack.
   */
  private long drift() {
    String prefix = InventoryService.STOCKER.prefix();
    List<String> columns =
        InventoryService.STOCKER.columns(InventoryService.USERS).stream()
            .map(c -> c.substring(prefix.length()))
            .filter(c -> !c.equals("synced_at"))
            .toList();
    return TestDb.count(
        pg,
        "SELECT count(*) FROM items i LEFT JOIN user_replica r ON r.id = i.last_stocked_by WHERE ("
            + columns.stream().map(c -> "i." + prefix + c).collect(Collectors.joining(", "))
            + ") IS DISTINCT FROM ("
            + columns.stream().map(c -> "r." + c).collect(Collectors.joining(", "))
            + ") OR (i.stocker_synced_at IS DISTINCT FROM r.synced_at AND NOT coalesce("
            + "i.stocker_synced_at BETWEEN r.synced_at - interval '"
            + ReplicaProjection.SYNCED_AT_SLACK
            + "' AND r.synced_at, false))");
  }

  private String stockerName(String sku) {
    return TestDb.text(pg, "SELECT stocker_name FROM items WHERE sku = '" + sku + "'");
  }

  private void awaitCopied(String id) {
    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () ->
            assertThat(
                    TestDb.count(pg, "SELECT count(*) FROM user_replica WHERE id = '" + id + "'"))
                .isEqualTo(1));
  }

  /** What an event the copy missed leaves behind: the copy and its projection both wrong. */
  private void drifted(String id, String name) {
    TestDb.execute(pg, "UPDATE user_replica SET name = '" + name + "' WHERE id = '" + id + "'");
    TestDb.execute(
        pg, "UPDATE items SET stocker_name = '" + name + "' WHERE last_stocked_by = '" + id + "'");
  }

  @Test
  @DisplayName(
      "events, the owner fallback, reconciliation (repair and removal), deletion and restocks all"
          + " keep the projection equal to the copy")
  void everyWritePath() {
    String ada = system.registerUser("Ada Projected").getString("id");
    String bob = system.registerUser("Bob Projected").getString("id");
    awaitCopied(ada);
    awaitCopied(bob);
    system.createItem("PROJ-A", 0);
    system.createItem("PROJ-B", 0);
    assertThat(system.restock("PROJ-A", ada, 1).status()).isEqualTo(201);
    assertThat(system.restock("PROJ-B", bob, 1).status()).isEqualTo(201);
    assertThat(stockerName("PROJ-A"))
        .as("a restock projects its stocker")
        .isEqualTo("Ada Projected");
    assertThat(drift()).isZero();

    // An event.
    system.usersHttp.patch(
        "/users/" + ada, ADMIN, new JsonObject().put("name", "Ada Renamed"), Map.of());
    Eventually.assertWithin(
        Duration.ofSeconds(5), () -> assertThat(stockerName("PROJ-A")).isEqualTo("Ada Renamed"));
    assertThat(drift()).isZero();

    // The owner fallback writes back what the owner answered.
    drifted(bob, "Bob Drifted");
    TestHttp.Reply fresh = system.inventoryHttp.get(REPORT + "&maxStaleness=PT0S", reporter);
    assertThat(ReplicaFixture.stockerOf(fresh, "PROJ-B").getString("name"))
        .isEqualTo("Bob Projected");
    Eventually.assertWithin(
        Duration.ofSeconds(5), () -> assertThat(stockerName("PROJ-B")).isEqualTo("Bob Projected"));
    assertThat(drift()).isZero();

    // Reconciliation repairs a row, and removes one the owner does not know.
    drifted(ada, "Ada Drifted");
    String ghost = system.ghost();
    system.createItem("PROJ-G", 0);
    TestDb.execute(
        pg,
        "UPDATE items SET last_stocked_by = '"
            + ghost
            + "', stocker_id = '"
            + ghost
            + "', stocker_name = 'Ghost', stocker_version = 1, stocker_deleted = false,"
            + " stocker_synced_at = now() - interval '1 hour' WHERE sku = 'PROJ-G'");
    TestHttp.Reply reconciled = system.inventoryHttp.post("/admin/replica/reconcile", ADMIN, "");
    assertThat(reconciled.status()).as(reconciled.toString()).isEqualTo(200);
    assertThat(stockerName("PROJ-A")).isEqualTo("Ada Renamed");
    assertThat(
            TestDb.count(
                pg, "SELECT count(*) FROM items WHERE stocker_id IS NOT NULL AND sku = 'PROJ-G'"))
        .as("a removed copy leaves no projection")
        .isZero();
    assertThat(drift()).isZero();

    // A deletion at the owner: a tombstone.
    assertThat(system.usersHttp.delete("/users/" + bob, ADMIN).status()).isEqualTo(204);
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () ->
            assertThat(
                    TestDb.count(
                        pg,
                        "SELECT count(*) FROM items WHERE sku = 'PROJ-B' AND stocker_deleted"
                            + " AND stocker_name IS NULL"))
                .isEqualTo(1));
    assertThat(drift()).isZero();

    // A restock by someone else moves the item to their copy.
    assertThat(system.restock("PROJ-B", ada, 1).status()).isEqualTo(201);
    assertThat(stockerName("PROJ-B")).isEqualTo("Ada Renamed");
    assertThat(drift()).isZero();
  }

  @Test
  @DisplayName(
      "an item whose projection holds another person than its last stocker (as a pod from before"
          + " the projection left it) is set right by a reconciliation, whatever their versions")
  void projectionOfAnotherPersonRepaired() {
    String cy = system.registerUser("Cy Earlier").getString("id");
    String di = system.registerUser("Di Later").getString("id");
    for (int i = 1; i <= 3; i++) {
      system.usersHttp.patch(
          "/users/" + cy, ADMIN, new JsonObject().put("name", "Cy Earlier " + i), Map.of());
    }
    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () ->
            assertThat(TestDb.text(pg, "SELECT version FROM user_replica WHERE id = '" + cy + "'"))
                .isEqualTo("4"));
    awaitCopied(di);
    system.createItem("PROJ-OLD", 0);
    assertThat(system.restock("PROJ-OLD", cy, 1).status()).isEqualTo(201);
    // A restock by Di written as code from before the projection wrote it: the reference moves,
    // the projected columns stay Cy's (version 4, ahead of Di's 1).
    TestDb.execute(pg, "UPDATE items SET last_stocked_by = '" + di + "' WHERE sku = 'PROJ-OLD'");

    TestHttp.Reply reconciled = system.inventoryHttp.post("/admin/replica/reconcile", ADMIN, "");

    assertThat(reconciled.status()).as(reconciled.toString()).isEqualTo(200);
    assertThat(stockerName("PROJ-OLD")).isEqualTo("Di Later");
    assertThat(drift()).isZero();
  }

  /**
   * At most this many renames of one person: a consumer reading the shared topic from its start in
   * a later test trusts a version at most 10 past the one it holds.
   */
  private static final int RENAMES_EACH = 8;

  @Test
  @DisplayName(
      "the owner fallback's write-back does not roll the projection back to its answer when a"
          + " newer event committed while it waited for the item's row")
  void fallbackWaitingForTheItemRow() throws Exception {
    String id = system.registerUser("Racing Stocker").getString("id");
    String sku = "RACE-" + UUID.randomUUID().toString().substring(0, 8);
    system.createItem(sku, 0);
    assertThat(system.restock(sku, id, 1).status()).isEqualTo(201);
    assertThat(
            system
                .usersHttp
                .patch("/users/" + id, ADMIN, new JsonObject().put("name", "Owner Two"), Map.of())
                .status())
        .isEqualTo(200);
    String projected = "SELECT stocker_version FROM items WHERE sku = '" + sku + "'";
    Eventually.assertWithin(
        Duration.ofSeconds(10), () -> assertThat(TestDb.text(pg, projected)).isEqualTo("2"));
    // The copy (and its projection) one version behind the owner, so a fallback writes it back.
    TestDb.execute(
        pg, "UPDATE user_replica SET version = 1, name = 'Lagging' WHERE id = '" + id + "'");
    TestDb.execute(
        pg,
        "UPDATE items SET stocker_version = 1, stocker_name = 'Lagging' WHERE sku = '" + sku + "'");

    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (java.sql.Connection consumer = TestDb.connect(pg)) {
      // An event's transaction (version 3) that has projected onto the item and not committed.
      consumer.setAutoCommit(false);
      try (java.sql.Statement step = consumer.createStatement()) {
        step.executeUpdate(
            "UPDATE items SET stocker_version = 3, stocker_name = 'Newest' WHERE sku = '"
                + sku
                + "'");
      }
      Future<TestHttp.Reply> report =
          reader.submit(() -> system.inventoryHttp.get(REPORT + "&maxStaleness=PT0S", reporter));
      // The fallback wrote version 2 into the copy, and its refresh waits for the item's row.
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(TestDb.count(pg, "SELECT count(*) FROM pg_locks WHERE NOT granted"))
                  .isPositive());
      try (java.sql.Statement step = consumer.createStatement()) {
        step.executeUpdate(
            "UPDATE user_replica SET version = 3, name = 'Newest' WHERE id = '" + id + "'");
      }
      consumer.commit();
      assertThat(report.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    } finally {
      reader.shutdownNow();
    }
    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () ->
            assertThat(TestDb.count(pg, "SELECT count(*) FROM pg_locks WHERE NOT granted"))
                .isZero());
    // Before: the refresh re-read the item's row at version 3 but set it from its own snapshot of
    // the copy, version 2: the projection went back while the copy stayed at 3.
    assertThat(TestDb.text(pg, projected)).as("projected version").isEqualTo("3");
    assertThat(drift()).isZero();
  }

  @Test
  @DisplayName(
      "renames, restocks that move items between stockers and multi-item reservations at once:"
          + " no request fails (no deadlock) and the projection ends equal to the copy")
  void concurrentWriters() throws Exception {
    List<String> stockers = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      stockers.add(system.registerUser("Racer " + i).getString("id"));
    }
    stockers.forEach(this::awaitCopied);
    List<String> skus = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      String sku = "RACE-" + i;
      system.createItem(sku, 1_000);
      skus.add(sku);
      assertThat(system.restock(sku, stockers.get(i % stockers.size()), 1).status()).isEqualTo(201);
    }
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    requests.set(0);
    AtomicInteger renamed = new AtomicInteger();
    AtomicBoolean renaming = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<?>> writers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      writers.add(pool.submit(() -> renames(stockers, renamed, renaming, failures)));
      writers.add(pool.submit(() -> restocks(stockers, skus, renaming, failures)));
      writers.add(pool.submit(() -> reservations(skus, renaming, failures)));
    }
    pool.shutdown();
    for (Future<?> writer : writers) {
      writer.get(60, TimeUnit.SECONDS);
    }
    assertThat(failures).as("failed requests").isEmpty();
    assertThat(requests.get()).as("requests made").isGreaterThan(300);
    Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(drift()).isZero());
  }

  private void renames(
      List<String> stockers,
      AtomicInteger renamed,
      AtomicBoolean renaming,
      ConcurrentLinkedQueue<String> fails) {
    for (int n = renamed.getAndIncrement();
        n < stockers.size() * RENAMES_EACH;
        n = renamed.getAndIncrement()) {
      TestHttp.Reply reply =
          system.usersHttp.patch(
              "/users/" + stockers.get(n % stockers.size()),
              ADMIN,
              new JsonObject().put("name", "Racer " + n),
              Map.of());
      record(reply, 200, fails);
    }
    renaming.set(false);
  }

  private void restocks(
      List<String> stockers,
      List<String> skus,
      AtomicBoolean renaming,
      ConcurrentLinkedQueue<String> fails) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (renaming.get()) {
      String sku = skus.get(random.nextInt(skus.size()));
      record(system.restock(sku, stockers.get(random.nextInt(stockers.size())), 1), 201, fails);
    }
  }

  /** Reservations over several items, taken and released: they lock items in sku order. */
  private void reservations(
      List<String> skus, AtomicBoolean renaming, ConcurrentLinkedQueue<String> fails) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (renaming.get()) {
      JsonArray lines = new JsonArray();
      random
          .ints(0, skus.size())
          .distinct()
          .limit(4)
          .sorted()
          .forEach(i -> lines.add(new JsonObject().put("sku", skus.get(i)).put("quantity", 1)));
      String id = "race-" + UUID.randomUUID();
      TestHttp.Reply taken =
          system.inventoryHttp.post(
              "/reservations",
              TestTokens.service(),
              new JsonObject().put("reservationId", id).put("lines", lines).put("ttlSeconds", 60));
      record(taken, 201, fails);
      record(system.inventoryHttp.delete("/reservations/" + id, TestTokens.service()), 204, fails);
    }
  }

  private void record(TestHttp.Reply reply, int expected, ConcurrentLinkedQueue<String> fails) {
    requests.incrementAndGet();
    if (reply.status() != expected) {
      fails.add(reply.status() + " " + reply.body());
    }
  }
}
