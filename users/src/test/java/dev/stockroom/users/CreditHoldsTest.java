package dev.stockroom.users;

import static dev.stockroom.users.UsersTestSupport.ADMIN;
import static dev.stockroom.users.UsersTestSupport.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Credit holds")
class CreditHoldsTest {
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

  private Reply hold(String userId, String holdId, long amount, int ttl) {
    return http.post(
        "/users/" + userId + "/credit-holds",
        SERVICE,
        new JsonObject().put("holdId", holdId).put("amountCents", amount).put("ttlSeconds", ttl));
  }

  private long available(String userId) {
    return http.get("/users/" + userId, ADMIN).json().getLong("availableCreditCents");
  }

  @Test
  @DisplayName("100 concurrent holds against a limit that allows exactly 37: exactly 37 succeed")
  void noOverspend() throws Exception {
    String user = UsersTestSupport.register(http, "Big Spender", 37 * 100 + 99).getString("id");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Callable<Integer>> attempts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String holdId = "spree-" + i + "-" + UUID.randomUUID();
      attempts.add(() -> hold(user, holdId, 100, 600).status());
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> f : pool.invokeAll(attempts)) {
      statuses.add(f.get());
    }
    pool.shutdown();
    assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(37);
    assertThat(statuses.stream().filter(s -> s == 422).count()).isEqualTo(63);
    assertThat(available(user)).isEqualTo(99);
  }

  @Test
  @DisplayName("a hold is idempotent by holdId: the same request answers 200, a different one 422")
  void idempotentHolds() {
    String user = UsersTestSupport.register(http, "Replayer", 10_000).getString("id");
    Reply first = hold(user, "order-1", 2_500, 600);
    assertThat(first.status()).isEqualTo(201);
    // What the Location names can be read (it answered 405 Allow: DELETE).
    Reply read = http.get(first.header("Location"), SERVICE);
    assertThat(read.status()).as(read.toString()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(first.json());
    assertThat(http.get("/credit-holds/none-such", SERVICE).status()).isEqualTo(404);
    Reply again = hold(user, "order-1", 2_500, 600);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(available(user)).as("taken once").isEqualTo(7_500);
    assertThat(hold(user, "order-1", 3_000, 600).status()).isEqualTo(422);
    assertThat(hold(UUID.randomUUID().toString(), "order-x", 1, 60).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("capture and release are idempotent; a released hold cannot be captured")
  void captureAndRelease() {
    String user = UsersTestSupport.register(http, "Capturer", 10_000).getString("id");
    assertThat(hold(user, "cap-1", 1_000, 600).status()).isEqualTo(201);
    Reply captured = http.post("/credit-holds/cap-1/capture", SERVICE, "");
    assertThat(captured.status()).isEqualTo(200);
    assertThat(captured.json().getString("status")).isEqualTo("CAPTURED");
    assertThat(http.post("/credit-holds/cap-1/capture", SERVICE, "").status()).isEqualTo(200);
    assertThat(available(user)).isEqualTo(9_000);
    assertThat(http.delete("/credit-holds/cap-1", SERVICE).status()).isEqualTo(409);

    assertThat(hold(user, "rel-1", 2_000, 600).status()).isEqualTo(201);
    assertThat(available(user)).isEqualTo(7_000);
    // Held and captured apart, so a client can tell money set aside from money taken.
    JsonObject person = http.get("/users/" + user, ADMIN).json();
    assertThat(person.getLong("capturedCreditCents")).isEqualTo(1_000);
    assertThat(person.getLong("heldCreditCents")).isEqualTo(2_000);
    assertThat(http.delete("/credit-holds/rel-1", SERVICE).status()).isEqualTo(204);
    assertThat(http.delete("/credit-holds/rel-1", SERVICE).status()).isEqualTo(204);
    assertThat(available(user)).isEqualTo(9_000);
    assertThat(http.get("/users/" + user, ADMIN).json().getLong("heldCreditCents")).isZero();
    assertThat(http.post("/credit-holds/rel-1/capture", SERVICE, "").status()).isEqualTo(409);
    assertThat(http.delete("/credit-holds/never-made", SERVICE).status()).isEqualTo(204);
    // Released before it was made: recorded, so a hold with that id arriving later takes nothing.
    assertThat(http.post("/credit-holds/never-made/capture", SERVICE, "").status()).isEqualTo(409);
    Reply late =
        http.post(
            "/users/" + user + "/credit-holds",
            SERVICE,
            new JsonObject()
                .put("holdId", "never-made")
                .put("amountCents", 5)
                .put("ttlSeconds", 60));
    assertThat(late.status()).as(late.toString()).isEqualTo(422);
    assertThat(late.json().getString("detail")).contains("released before it was made");
    assertThat(http.post("/credit-holds/unknown/capture", SERVICE, "").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("an expired hold is released by the sweeper and can no longer be captured")
  void expiry() {
    String user = UsersTestSupport.register(http, "Forgetful", 5_000).getString("id");
    assertThat(hold(user, "exp-1", 5_000, 1).status()).isEqualTo(201);
    assertThat(available(user)).isZero();
    Eventually.assertWithin(
        Duration.ofSeconds(10), () -> assertThat(available(user)).isEqualTo(5_000));
    Reply late = http.post("/credit-holds/exp-1/capture", SERVICE, "");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.json().getString("detail")).contains("EXPIRED");
  }

  @Test
  @DisplayName(
      "settled holds past COMMITMENT_RETENTION are deleted; live ones and the credit stay as they are")
  void settledArePurged() {
    String user = UsersTestSupport.register(http, "Archived", 5_000).getString("id");
    assertThat(hold(user, "old-captured", 1_000, 600).status()).isEqualTo(201);
    assertThat(http.post("/credit-holds/old-captured/capture", SERVICE, "").status())
        .isEqualTo(200);
    assertThat(hold(user, "old-live", 500, 600).status()).isEqualTo(201);
    // A week and a day ago, as far as the retention (default P7D) can tell.
    TestDb.execute(
        pgUri,
        "UPDATE credit_holds SET updated_at = now() - interval '8 days'"
            + " WHERE hold_id IN ('old-captured', 'old-live')");

    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () ->
            assertThat(
                    TestDb.count(
                        pgUri, "SELECT count(*) FROM credit_holds WHERE hold_id = 'old-captured'"))
                .isZero());
    assertThat(TestDb.text(pgUri, "SELECT status FROM credit_holds WHERE hold_id = 'old-live'"))
        .isEqualTo("HELD");
    assertThat(available(user)).isEqualTo(3_500);
  }

  @Test
  @DisplayName("only services may take, capture or release holds")
  void servicesOnly() {
    String user = UsersTestSupport.register(http, "Guarded", 5_000).getString("id");
    Reply byAdmin =
        http.post(
            "/users/" + user + "/credit-holds",
            ADMIN,
            new JsonObject().put("holdId", "a-1").put("amountCents", 1).put("ttlSeconds", 60));
    assertThat(byAdmin.status()).isEqualTo(403);
  }
}
