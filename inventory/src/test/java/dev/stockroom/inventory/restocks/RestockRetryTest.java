package dev.stockroom.inventory.restocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A stocker's client that retries a restock after a timeout must not add the stock twice. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Restocks retried by a client")
class RestockRetryTest {
  private static final String ADMIN = TestTokens.admin();
  private final String stocker = TestTokens.forRoles(UUID.randomUUID().toString(), "stocker");
  private RunningService service;
  private TestHttp http;
  private Map<String, String> env;

  @BeforeAll
  void start() {
    env = TestServices.env("inventory_restock_retry");
    env.put("USERS_URL", "http://localhost:1");
    service = TestServices.start(e -> InventoryService.start(new Env(e)), env);
    http = new TestHttp(service.port());
  }

  @AfterAll
  void stop() {
    TestServices.stop(service);
  }

  private Reply restock(String token, String sku, int quantity, String key) {
    HttpRequest.Builder request =
        http.request("/items/" + sku + "/restocks", token)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    new JsonObject().put("quantity", quantity).encode()));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return http.send(request.build());
  }

  private int quantity(String sku) {
    return http.get("/items/" + sku, ADMIN).json().getInteger("quantity");
  }

  private long audited(String sku) {
    return TestDb.count(
        env.get("PG_URI"), "SELECT count(*) FROM restocks WHERE sku = '" + sku + "'");
  }

  @Test
  @DisplayName(
      "a restock retried with its Idempotency-Key adds its stock once and answers the first"
          + " restock, also when the retries race; another quantity under the key is 422")
  void retriedRestocksAddOnce() throws Exception {
    Reply item =
        http.post(
            "/items",
            ADMIN,
            new JsonObject().put("sku", "RETRY-1").put("name", "Retried").put("priceCents", 5));
    assertThat(item.status()).as(item.toString()).isEqualTo(201);

    Reply first = restock(stocker, "RETRY-1", 5, "scan-1");
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    Reply again = restock(stocker, "RETRY-1", 5, "scan-1");
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.json().getJsonObject("restock"))
        .isEqualTo(first.json().getJsonObject("restock"));
    assertThat(again.json().getJsonObject("item").getInteger("quantity")).isEqualTo(5);
    assertThat(quantity("RETRY-1")).isEqualTo(5);

    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<Reply>> racing = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        racing.add(clients.submit(() -> restock(stocker, "RETRY-1", 3, "scan-2")));
      }
      List<Integer> statuses = new ArrayList<>();
      List<Long> ids = new ArrayList<>();
      for (Future<Reply> reply : racing) {
        Reply r = reply.get(30, TimeUnit.SECONDS);
        statuses.add(r.status());
        ids.add(r.json().getJsonObject("restock").getLong("id"));
      }
      assertThat(statuses).as("one restock, seven replays").containsOnly(201, 200);
      assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
      assertThat(ids).as("every answer is the one restock").containsOnly(ids.get(0));
    } finally {
      clients.shutdownNow();
    }
    assertThat(quantity("RETRY-1")).isEqualTo(8);
    assertThat(audited("RETRY-1")).isEqualTo(2);

    Reply otherQuantity = restock(stocker, "RETRY-1", 6, "scan-1");
    assertThat(otherQuantity.status()).as(otherQuantity.toString()).isEqualTo(422);
    assertThat(otherQuantity.header("Content-Type")).isEqualTo("application/problem+json");
    String otherStocker = TestTokens.forRoles(UUID.randomUUID().toString(), "stocker");
    assertThat(restock(otherStocker, "RETRY-1", 5, "scan-1").status())
        .as("keys are the stocker's own")
        .isEqualTo(201);
    assertThat(restock(stocker, "RETRY-1", 1, null).status()).isEqualTo(201);
    assertThat(restock(stocker, "RETRY-1", 1, null).status())
        .as("without a key every restock counts")
        .isEqualTo(201);
    assertThat(quantity("RETRY-1")).isEqualTo(15);
    assertThat(audited("RETRY-1")).isEqualTo(5);

    assertThat(restock(stocker, "NOPE", 1, "scan-3").status()).isEqualTo(404);
    assertThat(restock(stocker, "RETRY-1", 1, "no spaces").status()).isEqualTo(400);
    Reply pastTheTop = restock(stocker, "RETRY-1", 1_000_000_000, "scan-4");
    Reply pastTheTopAgain = restock(stocker, "RETRY-1", 1_000_000_000, "scan-4");
    assertThat(pastTheTop.status()).isEqualTo(201);
    assertThat(pastTheTopAgain.status()).isEqualTo(200);
    assertThat(quantity("RETRY-1")).isEqualTo(1_000_000_015);
  }
}
