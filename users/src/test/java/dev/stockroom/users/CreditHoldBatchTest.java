package dev.stockroom.users;

import static dev.stockroom.users.UsersTestSupport.ADMIN;
import static dev.stockroom.users.UsersTestSupport.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The saga's group commit on the credit side: many holds or captures in one call. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Credit holds in batches")
class CreditHoldBatchTest {
  private UsersTestSupport.Running users;
  private TestHttp http;
  private String pgUri;

  @BeforeAll
  void start() {
    users = UsersTestSupport.Running.start();
    http = users.http();
    pgUri = users.pgUri();
  }

  @AfterAll
  void stop() {
    users.close();
  }

  @Test
  @DisplayName(
      "a user deleted while a batch claims their hold: that hold is a 404, the rest are taken")
  void userDeletedDuringTheClaim() throws Exception {
    String gone = UsersTestSupport.register(http, "Gone Soon", 1_000).getString("id");
    String stays = UsersTestSupport.register(http, "Stays Here", 1_000).getString("id");
    ExecutorService client = Executors.newSingleThreadExecutor();
    try (Connection deleting = TestDb.connect(pgUri)) {
      deleting.setAutoCommit(false);
      try (Statement delete = deleting.createStatement()) {
        delete.executeUpdate("DELETE FROM users WHERE id = '" + gone + "'");
      }
      Future<JsonArray> results =
          client.submit(() -> holdAll(hold("race-1", gone, 100), hold("race-2", stays, 100)));
      // The claim's foreign key check waits for the deleting transaction's row lock; the delete
      // then commits under it (the whole batch was a 500).
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(TestDb.count(pgUri, "SELECT count(*) FROM pg_locks WHERE NOT granted"))
                  .isPositive());
      deleting.commit();

      JsonArray answered = results.get(30, TimeUnit.SECONDS);
      assertThat(status(answered, 0)).as(answered.encode()).isEqualTo(404);
      assertThat(status(answered, 1)).as(answered.encode()).isEqualTo(201);
      assertThat(user(stays).getLong("availableCreditCents")).isEqualTo(900);
      assertThat(TestDb.count(pgUri, "SELECT count(*) FROM credit_holds WHERE hold_id = 'race-1'"))
          .isZero();
    } finally {
      client.shutdownNow();
    }
  }

  /**
   * A capture that reached its hold before the expiry but waits on the user's row, and the saga's
   * retry (its answer was late) arriving after the expiry: the retry must wait for the first and
   * answer what it did. A retry refused while the first goes on to charge the customer had orders
   * give the stock back and reject an order that was paid for.
   */
  @Test
  @DisplayName(
      "a capture still running when its hold expires decides for the retry behind it, alone and in"
          + " a batch; a capture after the expiry with none running expires the hold at once")
  void captureRunningAcrossTheExpiry() throws Exception {
    for (boolean batch : new boolean[] {false, true}) {
      String payer = UsersTestSupport.register(http, "Slow Payer", 1_000).getString("id");
      String holdId = "slow-" + UUID.randomUUID();
      holdFor(payer, holdId, 300, 3);
      ExecutorService client = Executors.newFixedThreadPool(2);
      try (Connection locking = TestDb.connect(pgUri)) {
        locking.setAutoCommit(false);
        try (Statement lock = locking.createStatement()) {
          lock.executeQuery("SELECT 1 FROM users WHERE id = '" + payer + "' FOR UPDATE").close();
        }
        Future<Integer> first = client.submit(() -> capture(holdId, batch));
        Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(waiting()).isPositive());
        long firstWaits = waiting();
        awaitExpired(holdId);
        Future<Integer> retry = client.submit(() -> capture(holdId, batch));
        Eventually.assertWithin(
            Duration.ofSeconds(10),
            () ->
                assertThat(retry.isDone() || waiting() > firstWaits)
                    .as("the retry answered, or waits")
                    .isTrue());
        locking.commit();

        assertThat(first.get(30, TimeUnit.SECONDS)).as("batch: %s", batch).isEqualTo(200);
        assertThat(retry.get(30, TimeUnit.SECONDS))
            .as("batch: %s; the retry answers the capture that was made", batch)
            .isEqualTo(200);
        assertThat(holdStatus(holdId)).isEqualTo("CAPTURED");
        assertThat(user(payer).getLong("availableCreditCents")).isEqualTo(700);
      } finally {
        client.shutdownNow();
      }
    }

    String late = UsersTestSupport.register(http, "Late Payer", 1_000).getString("id");
    String lateHold = "late-" + UUID.randomUUID();
    holdFor(late, lateHold, 300, 1);
    awaitExpired(lateHold);
    assertThat(capture(lateHold, false)).isEqualTo(409);
    assertThat(holdStatus(lateHold))
        .as("the refusal is committed with the hold")
        .isEqualTo("EXPIRED");
    assertThat(user(late).getLong("availableCreditCents")).isEqualTo(1_000);
    assertThat(capture(lateHold, true)).isEqualTo(409);
  }

  private void holdFor(String userId, String holdId, long amount, int ttlSeconds) {
    Reply held =
        http.post(
            "/users/" + userId + "/credit-holds",
            SERVICE,
            new JsonObject()
                .put("holdId", holdId)
                .put("amountCents", amount)
                .put("ttlSeconds", ttlSeconds));
    assertThat(held.status()).as(held.toString()).isEqualTo(201);
  }

  private int capture(String holdId, boolean batch) {
    return batch
        ? status(captureAll(holdId), 0)
        : http.post("/credit-holds/" + holdId + "/capture", SERVICE, "").status();
  }

  /** Until the database's clock is past the hold's expiry. */
  private void awaitExpired(String holdId) {
    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () ->
            assertThat(
                    TestDb.text(
                        pgUri,
                        "SELECT now() > expires_at FROM credit_holds WHERE hold_id = '"
                            + holdId
                            + "'"))
                .isEqualTo("t"));
  }

  /** Sessions of this database waiting for a lock. */
  private long waiting() {
    return TestDb.count(
        pgUri,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND wait_event_type = 'Lock'");
  }

  private String holdStatus(String holdId) {
    return TestDb.text(pgUri, "SELECT status FROM credit_holds WHERE hold_id = '" + holdId + "'");
  }

  private static JsonObject hold(String holdId, String userId, long amount) {
    return new JsonObject()
        .put("holdId", holdId)
        .put("userId", userId)
        .put("amountCents", amount)
        .put("ttlSeconds", 600);
  }

  private JsonArray holdAll(JsonObject... holds) {
    Reply reply =
        http.post(
            "/batch/credit-holds",
            SERVICE,
            new JsonObject().put("holds", new JsonArray(List.of((Object[]) holds))));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    return reply.array("results");
  }

  private JsonArray captureAll(String... holdIds) {
    Reply reply =
        http.post(
            "/batch/credit-holds/capture",
            SERVICE,
            new JsonObject().put("holdIds", new JsonArray(List.of((Object[]) holdIds))));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    return reply.array("results");
  }

  private static int status(JsonArray results, int i) {
    return results.getJsonObject(i).getInteger("status");
  }

  private JsonObject user(String id) {
    return http.get("/users/" + id, ADMIN).json();
  }

  private long holdRows(String holdId) {
    return TestDb.count(
        pgUri, "SELECT count(*) FROM credit_holds WHERE hold_id = '" + holdId + "'");
  }

  @Test
  @DisplayName(
      "each hold of a batch is answered as alone: taken in order until the credit runs out,"
          + " unknown users and reused ids refused, repeats answered again; refusals leave nothing")
  void eachAsAlone() {
    String ada = UsersTestSupport.register(http, "Ada Batch", 1_000).getString("id");
    String bob = UsersTestSupport.register(http, "Bob Batch", 500).getString("id");
    String a = "a-" + UUID.randomUUID();
    String b = "b-" + UUID.randomUUID();
    String c = "c-" + UUID.randomUUID();
    String d = "d-" + UUID.randomUUID();
    String e = "e-" + UUID.randomUUID();

    JsonArray results =
        holdAll(
            hold(a, ada, 600),
            hold(b, ada, 600), // 400 left after a: refused, nothing of it held
            hold(c, ada, 400),
            hold(d, UUID.randomUUID().toString(), 1),
            hold(e, bob, 500),
            hold(a, ada, 600), // a repeat inside the batch
            hold(e, bob, 499), // the same id, another request
            hold(b, ada, 600), // a repeat of a refusal: refused again, as alone
            hold(b, ada, 1)); // another request under the refused id

    assertThat(status(results, 0)).isEqualTo(201);
    assertThat(results.getJsonObject(0).getJsonObject("body").getString("status"))
        .isEqualTo("HELD");
    assertThat(status(results, 1)).isEqualTo(422);
    assertThat(results.getJsonObject(1).getJsonObject("problem").getString("type"))
        .endsWith("insufficient-credit");
    assertThat(status(results, 2)).isEqualTo(201);
    assertThat(status(results, 3)).isEqualTo(404);
    assertThat(status(results, 4)).isEqualTo(201);
    assertThat(status(results, 5)).isEqualTo(200);
    assertThat(status(results, 6)).isEqualTo(422);
    assertThat(results.getJsonObject(6).getJsonObject("problem").getString("type"))
        .endsWith("hold-id-reused");

    // A refused id is given back: repeated alone, the same request is refused the same way
    // (it was answered 404: "user not found", for a user who exists).
    assertThat(status(results, 7)).isEqualTo(422);
    assertThat(results.getJsonObject(7).getJsonObject("problem").getString("type"))
        .endsWith("insufficient-credit");
    assertThat(status(results, 8)).isEqualTo(422);
    assertThat(results.getJsonObject(8).getJsonObject("problem").getString("type"))
        .endsWith("hold-id-reused");

    assertThat(user(ada).getLong("availableCreditCents")).isZero();
    assertThat(user(bob).getLong("availableCreditCents")).isZero();
    assertThat(holdRows(b)).as("a refused hold leaves no row").isZero();
    assertThat(holdRows(d)).isZero();
    assertThat(status(holdAll(hold(a, ada, 600)), 0)).as("asked again later").isEqualTo(200);
  }

  @Test
  @DisplayName("a batch of captures moves each live hold's amount once and answers each as alone")
  void captures() {
    String ada = UsersTestSupport.register(http, "Ada Capture", 1_000).getString("id");
    String live = "live-" + UUID.randomUUID();
    String released = "released-" + UUID.randomUUID();
    holdAll(hold(live, ada, 300), hold(released, ada, 200));
    assertThat(http.delete("/credit-holds/" + released, SERVICE).status()).isEqualTo(204);

    JsonArray results = captureAll(live, released, "unknown-" + UUID.randomUUID(), live);

    assertThat(status(results, 0)).isEqualTo(200);
    assertThat(results.getJsonObject(0).getJsonObject("body").getString("status"))
        .isEqualTo("CAPTURED");
    assertThat(status(results, 1)).isEqualTo(409);
    assertThat(status(results, 2)).isEqualTo(404);
    assertThat(status(results, 3)).isEqualTo(200);
    assertThat(user(ada).getLong("availableCreditCents")).isEqualTo(700);
    assertThat(status(captureAll(live), 0)).as("capturing again").isEqualTo(200);
    assertThat(user(ada).getLong("availableCreditCents")).isEqualTo(700);
    assertThat(TestDb.count(pgUri, "SELECT captured_cents FROM users WHERE id = '" + ada + "'"))
        .isEqualTo(300);
  }

  @Test
  @DisplayName("concurrent batches over shared users never deadlock and never overspend")
  void concurrentBatches() throws Exception {
    String ada = UsersTestSupport.register(http, "Ada Race", 37 * 100 + 99).getString("id");
    String bob = UsersTestSupport.register(http, "Bob Race", 1_000_000).getString("id");
    List<Callable<JsonArray>> batches = new ArrayList<>();
    for (int batch = 0; batch < 10; batch++) {
      List<JsonObject> holds = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String id = "race-" + batch + "-" + i + "-" + UUID.randomUUID();
        holds.add(hold(id, i % 2 == 0 ? ada : bob, 100));
      }
      batches.add(() -> holdAll(holds.toArray(JsonObject[]::new)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    int adaHeld = 0;
    try {
      for (Future<JsonArray> f : pool.invokeAll(batches)) {
        JsonArray results = f.get();
        for (int i = 0; i < results.size(); i++) {
          int status = status(results, i);
          assertThat(status).isEqualTo(i % 2 == 0 ? status : 201).isIn(201, 422);
          adaHeld += i % 2 == 0 && status == 201 ? 1 : 0;
        }
      }
    } finally {
      pool.shutdown();
    }
    assertThat(adaHeld).isEqualTo(37);
    assertThat(user(ada).getLong("availableCreditCents")).isEqualTo(99);
    assertThat(user(bob).getLong("availableCreditCents")).isEqualTo(1_000_000 - 50 * 100);
  }
}
