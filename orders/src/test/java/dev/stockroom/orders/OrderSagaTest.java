package dev.stockroom.orders;

import static dev.stockroom.orders.OrdersFixture.ADMIN;
import static dev.stockroom.orders.OrdersFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FaultyHttpProxy.Rule;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.common.testing.TestTopics;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Placing orders")
class OrderSagaTest {
  private OrdersFixture system;

  @BeforeAll
  void start() {
    system = new OrdersFixture(Map.of());
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  @DisplayName(
      "metrics aggregate across pods: latency as histogram buckets, sagas in flight and the oldest one's age")
  void metrics() {
    String bo = system.customer("Bo Metrics", 10_000);
    system.item("METRIC-1", 5, 100);
    assertThat(system.place(bo, "k-metrics", order(bo, "METRIC-1", 1)).status()).isEqualTo(201);

    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () -> {
          String metrics = system.ordersHttp.get("/metrics", null).body();
          assertThat(metrics)
              .contains("vertx_http_server_response_time_seconds_bucket{")
              .contains("vertx_http_client_response_time_seconds_bucket{")
              .contains("orders_saga_duration_seconds_bucket{")
              .doesNotContain("quantile=\"")
              .containsPattern("(?m)^orders_sagas_in_flight\\{[^}]*} [0-9.]+$")
              .containsPattern("(?m)^orders_saga_oldest_seconds\\{[^}]*} [0-9.E-]+$");
        });
  }

  @Test
  @DisplayName(
      "the happy path confirms, sells the stock, captures the credit and snapshots names and prices")
  void happyPath() {
    String ada = system.customer("Ada Buyer", 10_000);
    system.item("HAPPY-1", 5, 1_250);
    system.item("HAPPY-2", 5, 300);
    Reply placed = system.place(ada, "k-happy", order(ada, "HAPPY-1", 2, "HAPPY-2", 1));
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    JsonObject o = placed.json();
    assertThat(o.getString("status")).isEqualTo("CONFIRMED");
    assertThat(o.getLong("totalCents")).isEqualTo(2 * 1_250 + 300);
    assertThat(o.getJsonArray("lines").getJsonObject(0).getString("name"))
        .isEqualTo("Item HAPPY-1");
    assertThat(o.getJsonObject("customer").getString("name")).isEqualTo("Ada Buyer");
    assertThat(o.getJsonObject("customer").getJsonObject("freshness")).isNotNull();
    assertThat(placed.header("Location")).isEqualTo("/orders/" + o.getString("id"));
    assertThat(system.itemState("HAPPY-1").getInteger("quantity")).isEqualTo(3);
    assertThat(system.itemState("HAPPY-1").getInteger("reserved")).isZero();
    assertThat(system.availableCredit(ada)).isEqualTo(10_000 - 2_800);

    system.inventoryHttp.patch(
        "/items/HAPPY-1", ADMIN, new JsonObject().put("priceCents", 9_999), Map.of());
    system.usersHttp.patch(
        "/users/" + ada, ADMIN, new JsonObject().put("name", "Ada Renamed"), Map.of());
    JsonObject later = system.read(o.getString("id"));
    assertThat(later.getJsonArray("lines").getJsonObject(0).getLong("unitPriceCents"))
        .as("a price change leaves the order as it was")
        .isEqualTo(1_250);
    assertThat(later.getJsonObject("customer").getString("name")).isEqualTo("Ada Buyer");

    try (TestTopics topic = new TestTopics(OrdersService.TOPIC)) {
      var event =
          topic
              .readUntil(
                  Duration.ofSeconds(10),
                  rs -> rs.stream().anyMatch(r -> o.getString("id").equals(r.key())))
              .stream()
              .filter(r -> o.getString("id").equals(r.key()))
              .findFirst()
              .orElseThrow();
      assertThat(TestTopics.type(event)).isEqualTo("stockroom.order.confirmed");
      assertThat(new JsonObject(new String(event.value())).getLong("totalCents")).isEqualTo(2_800);
    }
  }

  @Test
  @DisplayName(
      "each refusal ends REJECTED with its reason, and stock and credit are exactly as before")
  void rejections() {
    String bob = system.customer("Bob Modest", 1_000);
    system.item("REJ-1", 2, 600);
    Reply outOfStock = system.place(bob, "k-oos", order(bob, "REJ-1", 3));
    assertRejected(outOfStock, "out_of_stock");
    // The customer learns which line could not be served (only how many SKUs, before).
    assertThat(outOfStock.json().getJsonObject("rejection").getString("detail")).contains("REJ-1");
    assertRejected(system.place(bob, "k-credit", order(bob, "REJ-1", 2)), "insufficient_credit");
    Reply unknownSku =
        system.place(
            bob,
            "k-sku",
            order(bob, "NO-SUCH-SKU", 1)
                .put(
                    "lines",
                    new io.vertx.core.json.JsonArray()
                        .add(new JsonObject().put("sku", "REJ-1").put("quantity", 1))
                        .add(new JsonObject().put("sku", "NO-SUCH-SKU").put("quantity", 1))));
    assertRejected(unknownSku, "unknown_sku");
    assertThat(unknownSku.json().getJsonObject("rejection").getString("detail"))
        .contains("NO-SUCH-SKU")
        .doesNotContain("REJ-1");
    // A total beyond any credit limit users allows (it would not even accept the hold).
    system.item("REJ-GOLD", 1_000, 100_000_000_000L);
    assertRejected(system.place(bob, "k-gold", order(bob, "REJ-GOLD", 500)), "insufficient_credit");
    String ghost = UUID.randomUUID().toString();
    Reply unknown =
        system.ordersHttp.send(
            system
                .ordersHttp
                .request("/orders", ADMIN)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "k-ghost")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        order(ghost, "REJ-1", 1).encode()))
                .build());
    assertRejected(unknown, "unknown_customer");
    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () -> {
          assertThat(system.itemState("REJ-1").getInteger("quantity")).isEqualTo(2);
          assertThat(system.itemState("REJ-1").getInteger("reserved")).isZero();
          assertThat(system.itemState("REJ-GOLD").getInteger("reserved")).isZero();
          assertThat(system.availableCredit(bob)).isEqualTo(1_000);
        });
  }

  private static void assertRejected(Reply reply, String reason) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    assertThat(reply.json().getString("status")).isEqualTo("REJECTED");
    assertThat(reply.json().getJsonObject("rejection").getString("reason")).isEqualTo(reason);
  }

  @Test
  @DisplayName(
      "the same key and body give the same order and take nothing twice; another body is 422")
  void idempotency() {
    String cy = system.customer("Cy Retry", 5_000);
    system.item("IDEM-1", 10, 100);
    JsonObject body = order(cy, "IDEM-1", 2);
    Reply first = system.place(cy, "k-idem", body);
    Reply again = system.place(cy, "k-idem", body);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(system.itemState("IDEM-1").getInteger("quantity")).isEqualTo(8);
    assertThat(system.availableCredit(cy)).isEqualTo(4_800);
    Reply different = system.place(cy, "k-idem", order(cy, "IDEM-1", 3));
    assertThat(different.status()).isEqualTo(422);
    assertThat(different.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName(
      "an idempotency key is the header's text as sent: a quoted key is another key, and keys"
          + " that look like JSON numbers or objects are keys like any other")
  void keysAreText() {
    String di = system.customer("Di Keys", 5_000);
    system.item("IDEM-2", 10, 100);
    JsonObject body = order(di, "IDEM-2", 1);
    Reply plain = system.place(di, "k-quoted", body);
    Reply quoted = system.place(di, "\"k-quoted\"", body);
    assertThat(plain.status()).as(plain.toString()).isEqualTo(201);
    assertThat(quoted.status()).as(quoted.toString()).isEqualTo(201);
    assertThat(quoted.json().getString("id")).isNotEqualTo(plain.json().getString("id"));
    for (String key : new String[] {"100.0", "{\"a\":1}", "[1]", "\\u0041"}) {
      Reply placed = system.place(di, key, body);
      assertThat(placed.status()).as(key + ": " + placed).isEqualTo(201);
    }
    assertThat(system.itemState("IDEM-2").getInteger("quantity")).isEqualTo(4);

    // Two keys: the first was used, and a retry carrying only the second placed the order again.
    Reply twoKeys =
        system.ordersHttp.send(
            system
                .ordersHttp
                .request("/orders", ADMIN)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "k-one")
                .header("Idempotency-Key", "k-two")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.encode()))
                .build());
    assertThat(twoKeys.status()).as(twoKeys.toString()).isEqualTo(400);
    // The customer's id in capitals is the same customer: the same request, the same order.
    Reply lower = system.place(di, "k-case", body);
    Reply upper =
        system.place(
            di,
            "k-case",
            body.copy().put("customerId", body.getString("customerId").toUpperCase()));
    assertThat(upper.status()).as(upper.toString()).isEqualTo(201);
    assertThat(upper.json().getString("id")).isEqualTo(lower.json().getString("id"));
    assertThat(system.itemState("IDEM-2").getInteger("quantity")).isEqualTo(3);
    // So is a token whose subject is the customer's id in capitals: the keys are that person's.
    Reply bySubjectInCapitals = system.place(di.toUpperCase(), "k-case", body);
    assertThat(bySubjectInCapitals.status()).as(bySubjectInCapitals.toString()).isEqualTo(201);
    assertThat(bySubjectInCapitals.json().getString("id")).isEqualTo(lower.json().getString("id"));
    assertThat(system.itemState("IDEM-2").getInteger("quantity")).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "a client retrying while its order's saga runs waits for that saga: one reservation call,"
          + " one event")
  void retryWhileTheSagaRuns() throws Exception {
    String dee = system.customer("Dee Impatient", 5_000);
    system.item("RETRY-1", 10, 100);
    JsonObject body = order(dee, "RETRY-1", 1);
    Rule slow =
        system
            .toInventory
            .on(io.vertx.core.http.HttpMethod.POST, "/batch/reservations")
            .delayAnswer(Duration.ofMillis(800));
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      Future<Reply> first = clients.submit(() -> system.place(dee, "k-retry", body));
      Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(slow.hits()).isEqualTo(1));
      List<Future<Reply>> retries = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        retries.add(clients.submit(() -> system.place(dee, "k-retry", body)));
      }
      String id = first.get(30, TimeUnit.SECONDS).json().getString("id");
      for (Future<Reply> retry : retries) {
        assertThat(retry.get(30, TimeUnit.SECONDS).json().getString("id")).isEqualTo(id);
      }
      Eventually.assertWithin(
          Duration.ofSeconds(20),
          () -> assertThat(system.read(id).getString("status")).isEqualTo("CONFIRMED"));
      // Each retry had claimed the saga again (its lease was this engine's) and run a second
      // copy of it: a reservation call each, and two copies finishing in one statement wrote
      // the order's event twice.
      assertThat(slow.hits()).as("reservation calls").isEqualTo(1);
      assertThat(
              TestDb.count(
                  system.ordersEnv.get("PG_URI"),
                  "SELECT count(*) FROM outbox WHERE event_key = '" + id + "'"))
          .as("events of the order")
          .isEqualTo(1);
      assertThat(system.itemState("RETRY-1").getInteger("quantity")).isEqualTo(9);
      assertThat(system.availableCredit(dee)).isEqualTo(4_900);
    } finally {
      clients.shutdownNow();
      system.toInventory.clear();
    }
  }

  @Test
  @DisplayName(
      "20 concurrent orders for 5 units: exactly 5 units sold, no negative stock, no overspent credit")
  void contention() throws Exception {
    system.item("HOT-1", 5, 500);
    List<String> buyers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      buyers.add(system.customer("Buyer " + i, 500));
    }
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<Callable<Reply>> calls = new ArrayList<>();
    for (String buyer : buyers) {
      calls.add(() -> system.place(buyer, "k-hot", order(buyer, "HOT-1", 1)));
    }
    List<JsonObject> results = new ArrayList<>();
    for (Future<Reply> f : pool.invokeAll(calls)) {
      results.add(f.get().json());
    }
    pool.shutdown();
    List<String> ids = results.stream().map(r -> r.getString("id")).toList();
    Eventually.assertWithin(
        Duration.ofSeconds(20),
        () ->
            assertThat(ids.stream().map(id -> system.read(id).getString("status")))
                .doesNotContain("PENDING"));
    long confirmed =
        ids.stream().filter(id -> system.read(id).getString("status").equals("CONFIRMED")).count();
    assertThat(confirmed).isEqualTo(5);
    assertThat(system.itemState("HOT-1").getInteger("quantity")).isZero();
    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () -> assertThat(system.itemState("HOT-1").getInteger("reserved")).isZero());
    long spent = buyers.stream().mapToLong(b -> 500 - system.availableCredit(b)).sum();
    assertThat(spent).isEqualTo(5 * 500);
  }

  @Test
  @DisplayName("customers read and list only their own orders")
  void visibility() {
    String dee = system.customer("Dee Owner", 5_000);
    String eve = system.customer("Eve Other", 5_000);
    system.item("VIS-1", 10, 10);
    system.place(eve, "k-vis-0", order(eve, "VIS-1", 1));
    String deeOrder = system.place(dee, "k-vis-1", order(dee, "VIS-1", 1)).json().getString("id");
    system.place(dee, "k-vis-2", order(dee, "VIS-1", 1));
    String eveToken = TestTokens.forRoles(eve, "customer");
    assertThat(system.ordersHttp.get("/orders/" + deeOrder, eveToken).status()).isEqualTo(404);
    assertThat(system.ordersHttp.get("/orders?customerId=" + dee, eveToken).status())
        .isEqualTo(403);
    Reply mine = system.ordersHttp.get("/orders?limit=1", TestTokens.forRoles(dee, "customer"));
    assertThat(mine.array("orders")).hasSize(1);
    Reply next =
        system.ordersHttp.get(
            "/orders?limit=1&after=" + mine.json().getString("next"),
            TestTokens.forRoles(dee, "customer"));
    assertThat(next.array("orders")).hasSize(1);
    assertThat(next.array("orders").getJsonObject(0).getString("id"))
        .isNotEqualTo(mine.array("orders").getJsonObject(0).getString("id"));
    assertThat(system.place(eve, "k-vis-3", order(dee, "VIS-1", 1)).status())
        .as("ordering for someone else")
        .isEqualTo(403);
    // Another customer's order as a cursor tells nothing: the same answer as an unknown id.
    Reply afterTheirs = system.ordersHttp.get("/orders?after=" + deeOrder, eveToken);
    Reply afterNothing =
        system.ordersHttp.get("/orders?after=" + java.util.UUID.randomUUID(), eveToken);
    assertThat(afterTheirs.status()).isEqualTo(afterNothing.status());
    assertThat(afterTheirs.body()).isEqualTo(afterNothing.body());
  }

  @Test
  @DisplayName("bad input is a 4xx problem and writes nothing")
  void badInput() {
    String fay = system.customer("Fay Typo", 5_000);
    long before = TestDb.count(system.ordersEnv.get("PG_URI"), "SELECT count(*) FROM orders");
    Reply noKey =
        system.ordersHttp.post("/orders", TestTokens.forRoles(fay, "customer"), order(fay, "X", 1));
    assertThat(noKey.status()).isEqualTo(400);
    Reply zero = system.place(fay, "k-bad-1", order(fay, "X", 0));
    assertThat(zero.status()).isEqualTo(400);
    assertThat(zero.json().getJsonArray("errors").stream().map(JsonObject.class::cast))
        .as("one error, at the field (not also at the array holding it)")
        .extracting(e -> e.getString("pointer"))
        .containsExactly("/lines/0/quantity");
    JsonObject noSku = order(fay, "X", 0);
    noSku.getJsonArray("lines").getJsonObject(0).remove("sku");
    Reply twoWrong = system.place(fay, "k-bad-1b", noSku);
    assertThat(twoWrong.json().getJsonArray("errors").stream().map(JsonObject.class::cast))
        .as("the line's own error (no sku) beside its member's")
        .extracting(e -> e.getString("pointer"))
        .containsExactlyInAnyOrder("/lines/0", "/lines/0/quantity");
    assertThat(
            system
                .place(fay, "k-bad-2", order(fay).put("lines", new io.vertx.core.json.JsonArray()))
                .status())
        .isEqualTo(400);
    assertThat(system.place(fay, "k-bad-3", order(fay, "X", 1).put("extra", true)).status())
        .isEqualTo(400);
    JsonObject badAddress = order(fay, "X", 1);
    badAddress.getJsonObject("shippingAddress").put("country", "usa");
    assertThat(system.place(fay, "k-bad-4", badAddress).status()).isEqualTo(400);
    // An address line of spaces only, or with control characters, was stored and shipped to.
    for (String[] field :
        new String[][] {
          {"line1", "   "}, {"city", "Spring\nfield"}, {"postalCode", "\u0001"}, {"line1", "\u200b"}
        }) {
      JsonObject blankAddress = order(fay, "X", 1);
      blankAddress.getJsonObject("shippingAddress").put(field[0], field[1]);
      assertThat(
              system
                  .place(fay, "k-bad-blank-" + field[0] + field[1].hashCode(), blankAddress)
                  .status())
          .as(field[0])
          .isEqualTo(400);
    }
    // Java's $ (the schema library's) also matches before a final \r or U+2028.
    JsonObject crCountry = order(fay, "X", 1);
    crCountry.getJsonObject("shippingAddress").put("country", "US\r");
    assertThat(system.place(fay, "k-bad-4b", crCountry).status()).isEqualTo(400);
    assertThat(system.place(fay, "k-bad-4c", order(fay, "X\u2028", 1)).status()).isEqualTo(400);
    assertThat(system.place(fay, "k-bad-4d", order(fay, "..", 1)).status()).isEqualTo(400);
    // No item can have it (GET /items/low-stock is the report): inventory refused the whole batch
    // of reservations it came in, and the order was rejected as dependency_unavailable.
    assertThat(system.place(fay, "k-bad-4e", order(fay, "low-stock", 1)).status()).isEqualTo(400);
    assertThat(system.place(fay, "k-bad-5", order(fay, "X", 1).put("customerId", "nope")).status())
        .isEqualTo(400);
    assertThat(system.ordersHttp.get("/orders/not-a-uuid", ADMIN).status()).isEqualTo(400);
    // The library's uuid format also takes "urn:uuid:…" and a trailing newline, which
    // java.util.UUID refuses: each of these was a 500.
    String urn = "urn:uuid:" + fay;
    assertThat(system.place(fay, "k-bad-urn", order(fay, "X", 1).put("customerId", urn)).status())
        .isEqualTo(400);
    for (String path :
        List.of(
            "/orders/" + urn,
            "/orders/" + fay + "%0A",
            "/orders?customerId=" + urn,
            "/orders?after=" + urn)) {
      Reply reply = system.ordersHttp.get(path, ADMIN);
      assertThat(reply.status()).as(path + ": " + reply).isEqualTo(400);
      assertThat(reply.header("Content-Type")).as(path).isEqualTo("application/problem+json");
    }
    String other = UUID.randomUUID().toString();
    String twoCustomers =
        order(fay, "X", 1).encode().replaceFirst("\\{", "{\"customerId\": \"" + other + "\", ");
    Reply duplicate =
        system.ordersHttp.send(
            system
                .ordersHttp
                .request("/orders", TestTokens.forRoles(fay, "customer"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "k-bad-6")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(twoCustomers))
                .build());
    assertThat(duplicate.status())
        .as("two customerIds: refused, not placed for either")
        .isEqualTo(400);
    Reply notAPerson =
        system.ordersHttp.get("/orders", TestTokens.forRoles("batch-job", "customer"));
    assertThat(notAPerson.status()).as(notAPerson.toString()).isEqualTo(403);
    assertThat(notAPerson.body()).doesNotContain("UUID");
    assertThat(system.ordersHttp.get("/orders/" + UUID.randomUUID(), ADMIN).status())
        .isEqualTo(404);
    assertThat(TestDb.count(system.ordersEnv.get("PG_URI"), "SELECT count(*) FROM orders"))
        .isEqualTo(before);
  }
}
