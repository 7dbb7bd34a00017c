package dev.stockroom.inventory.items;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.inventory.ReportContract;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Items, restocks and the report")
class ItemsApiTest {
  private static final String ADMIN = TestTokens.admin();
  private final String stockerId = UUID.randomUUID().toString();
  private final String stocker = TestTokens.forRoles(stockerId, "stocker");
  private RunningService service;
  private TestHttp http;
  private Map<String, String> env;

  @BeforeAll
  void start() {
    env = TestServices.env("inventory_items");
    env.put("USERS_URL", "http://localhost:1");
    service = TestServices.start(e -> InventoryService.start(new Env(e)), env);
    http = new TestHttp(service.port());
  }

  private static String cursor(String text) {
    return java.util.Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @AfterAll
  void stop() {
    TestServices.stop(service);
  }

  @Test
  @DisplayName("items are created, read, changed; restocks add stock and keep an audit")
  void itemsAndRestocks() {
    Reply created =
        http.post(
            "/items",
            ADMIN,
            new JsonObject()
                .put("sku", "BOLT-1")
                .put("name", "Bolt")
                .put("priceCents", 25)
                .put("quantity", 3));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().getInteger("available")).isEqualTo(3);
    assertThat(
            http.post(
                    "/items",
                    ADMIN,
                    new JsonObject().put("sku", "BOLT-1").put("name", "Again").put("priceCents", 1))
                .status())
        .isEqualTo(409);
    Reply patched =
        http.patch("/items/BOLT-1", ADMIN, new JsonObject().put("priceCents", 30), Map.of());
    assertThat(patched.json().getLong("priceCents")).isEqualTo(30);
    assertThat(patched.json().getString("name")).isEqualTo("Bolt");

    Reply restock =
        http.post("/items/BOLT-1/restocks", stocker, new JsonObject().put("quantity", 7));
    assertThat(restock.status()).as(restock.toString()).isEqualTo(201);
    assertThat(restock.json().getJsonObject("item").getInteger("quantity")).isEqualTo(10);
    assertThat(restock.json().getJsonObject("item").getString("lastStockedBy"))
        .isEqualTo(stockerId);
    Reply audit = http.get("/items/BOLT-1/restocks", stocker);
    assertThat(audit.array("restocks")).hasSize(1);
    assertThat(audit.array("restocks").getJsonObject(0).getJsonObject("stockedBy").getString("id"))
        .isEqualTo(stockerId);
  }

  @Test
  @DisplayName(
      "If-Match on an item is honoured, not dropped: items carry no entity tag, so only * passes"
          + " (RFC 9110 13.1.1); an unknown item is still a 404")
  void ifMatchOnItems() {
    http.post(
        "/items",
        ADMIN,
        // Stocked above every report's threshold here: the other tests read the report.
        new JsonObject()
            .put("sku", "MATCH-1")
            .put("name", "Match")
            .put("priceCents", 10)
            .put("quantity", 1_000_000));
    Reply tagged =
        http.patch(
            "/items/MATCH-1",
            ADMIN,
            new JsonObject().put("name", "Lost update"),
            Map.of("If-Match", "\"999\""));
    assertThat(tagged.status()).as(tagged.toString()).isEqualTo(412);
    assertThat(tagged.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(http.get("/items/MATCH-1", ADMIN).json().getString("name")).isEqualTo("Match");
    Reply any =
        http.patch(
            "/items/MATCH-1",
            ADMIN,
            new JsonObject().put("name", "Matched"),
            Map.of("If-Match", "*"));
    assertThat(any.status()).as(any.toString()).isEqualTo(200);
    assertThat(any.json().getString("name")).isEqualTo("Matched");
    // An If-Match with no tag at all matches nothing; it is not an absent one.
    assertThat(
            http.patch(
                    "/items/MATCH-1",
                    ADMIN,
                    new JsonObject().put("name", "Empty tag"),
                    Map.of("If-Match", ""))
                .status())
        .isEqualTo(412);
    assertThat(
            http.patch(
                    "/items/NO-MATCH",
                    ADMIN,
                    new JsonObject().put("name", "x"),
                    Map.of("If-Match", "\"1\""))
                .status())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("the restock audit pages newest first to its oldest entry")
  void restockAuditPages() {
    http.post(
        "/items",
        ADMIN,
        new JsonObject().put("sku", "AUDIT-1").put("name", "Audited").put("priceCents", 1));
    for (int quantity = 1; quantity <= 5; quantity++) {
      http.post("/items/AUDIT-1/restocks", stocker, new JsonObject().put("quantity", quantity));
    }
    List<Integer> quantities = new ArrayList<>();
    String path = "/items/AUDIT-1/restocks?limit=2";
    for (int page = 0; path != null; page++) {
      assertThat(page).as("pages").isLessThan(5);
      Reply reply = http.get(path, stocker);
      assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
      reply.array("restocks").forEach(e -> quantities.add(((JsonObject) e).getInteger("quantity")));
      Object next = reply.json().getValue("next");
      path = next == null ? null : "/items/AUDIT-1/restocks?limit=2&after=" + next;
    }
    // Before, a page held the newest `limit` and nothing reached the older ones.
    assertThat(quantities).containsExactly(5, 4, 3, 2, 1);
    for (String bad : new String[] {"0", "1e19", "18446744073709551617"}) {
      Reply reply = http.get("/items/AUDIT-1/restocks?after=" + bad, stocker);
      assertThat(reply.status()).as(bad + ": " + reply).isEqualTo(400);
    }
  }

  @Test
  @DisplayName(
      "the report pages by (quantity, sku) and answers stockers as ids when users is unreachable")
  void reportPaging() {
    for (int i = 0; i < 5; i++) {
      http.post(
          "/items",
          ADMIN,
          new JsonObject()
              .put("sku", "PAGE-" + i)
              .put("name", "Page " + i)
              .put("priceCents", 1)
              .put("quantity", 10 + i % 2));
      http.post("/items/PAGE-" + i + "/restocks", stocker, new JsonObject().put("quantity", 1));
    }
    Reply first = ReportContract.conforms(http.get("/items/low-stock?below=100&limit=2", stocker));
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.array("items")).hasSize(2);
    // The report writes its page with a streaming generator: each item must still be the item
    // resource itself (every field, same values), with its stocker in place of the id.
    for (Object row : first.array("items")) {
      JsonObject reported = ((JsonObject) row).copy();
      JsonObject by = (JsonObject) reported.remove("lastStockedBy");
      JsonObject item = http.get("/items/" + reported.getString("sku"), stocker).json();
      assertThat(by.getString("id")).isEqualTo(item.remove("lastStockedBy"));
      assertThat(reported).isEqualTo(item);
    }
    Reply second =
        http.get(
            "/items/low-stock?below=100&limit=2&after=" + first.json().getString("next"), stocker);
    int lastQuantity = first.array("items").getJsonObject(1).getInteger("quantity");
    assertThat(second.array("items").getJsonObject(0).getInteger("quantity"))
        .isGreaterThanOrEqualTo(lastQuantity);
    JsonObject by = second.array("items").getJsonObject(0).getJsonObject("lastStockedBy");
    assertThat(by.getString("id")).isEqualTo(stockerId);
    assertThat(by.getJsonObject("freshness").getString("source")).isEqualTo("none");
    assertThat(by.getJsonObject("freshness").getBoolean("stale")).isTrue();
  }

  @Test
  @DisplayName("bad input on every endpoint is a 4xx problem and writes nothing")
  void badInput() {
    http.post(
        "/items",
        ADMIN,
        new JsonObject()
            .put("sku", "SAFE-1")
            .put("name", "Safe")
            .put("priceCents", 5)
            .put("quantity", 1));
    long items = TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM items");
    long restocks = TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM restocks");
    Map<String, Reply> bad = new LinkedHashMap<>();
    bad.put(
        "bad sku",
        http.post(
            "/items",
            ADMIN,
            new JsonObject().put("sku", "has space").put("name", "X").put("priceCents", 1)));
    bad.put(
        "negative price",
        http.post(
            "/items",
            ADMIN,
            new JsonObject().put("sku", "X-1").put("name", "X").put("priceCents", -1)));
    bad.put(
        "missing name",
        http.post("/items", ADMIN, new JsonObject().put("sku", "X-1").put("priceCents", 1)));
    bad.put(
        "string price",
        http.post(
            "/items",
            ADMIN,
            new JsonObject().put("sku", "X-1").put("name", "X").put("priceCents", "1")));
    bad.put("empty patch", http.patch("/items/SAFE-1", ADMIN, new JsonObject(), Map.of()));
    bad.put(
        "zero restock",
        http.post("/items/SAFE-1/restocks", stocker, new JsonObject().put("quantity", 0)));
    bad.put("bad below", http.get("/items/low-stock?below=-1", stocker));
    bad.put("huge limit", http.get("/items/low-stock?limit=1000", stocker));
    bad.put("bad maxStaleness", http.get("/items/low-stock?maxStaleness=P1Z", stocker));
    bad.put("bad cursor", http.get("/items/low-stock?after=bm9wZQ", stocker));
    // The schema library's $ also matched before a final newline: "NL-1\n" was created (201),
    // an item that looks like "NL-1" and is not.
    bad.put(
        "sku with a trailing newline",
        http.post(
            "/items",
            ADMIN,
            new JsonObject().put("sku", "NL-1\n").put("name", "Newline").put("priceCents", 1)));
    // (?!\n)$ still let the other final line terminators in: "NL-1\r" was created and its
    // Location header could not be sent (no answer at all); "NL-1\u2028" was a look-alike.
    for (String end : new String[] {"\r", "\r\n", "\u0085", "\u2028", "\u2029"}) {
      bad.put(
          "sku ending in " + escaped(end),
          http.post(
              "/items",
              ADMIN,
              new JsonObject()
                  .put("sku", "NL-1" + end)
                  .put("name", "Ending")
                  .put("priceCents", 1)));
    }
    bad.put(
        "restock of a sku ending in CR",
        http.post("/items/SAFE-1%0D/restocks", stocker, new JsonObject().put("quantity", 1)));
    // A path normalises "." and ".." away: such an item could be created and never reached.
    // GET /items/low-stock is the report: an item of that sku was created and never readable.
    for (String dots : new String[] {".", "..", "low-stock"}) {
      bad.put(
          "sku " + dots,
          http.post(
              "/items",
              ADMIN,
              new JsonObject().put("sku", dots).put("name", "Dots").put("priceCents", 1)));
    }
    // Java's \S knows only ASCII's whitespace: an em space passed as a name and was stored as "".
    // So were control characters and invisible ones only ("\u0001", a zero-width space).
    for (String blank :
        new String[] {"\u2003", "\u3000 ", "\u00a0", "\u0001", "Bolt\tM8", "\u200b", "\u0085"}) {
      bad.put(
          "name " + escaped(blank),
          http.post(
              "/items",
              ADMIN,
              new JsonObject().put("sku", "BLANK-1").put("name", blank).put("priceCents", 1)));
    }
    bad.put(
        "rename to an ideographic space",
        http.patch("/items/SAFE-1", ADMIN, new JsonObject().put("name", "\u3000"), Map.of()));
    // PostgreSQL's text cannot hold U+0000: a forged cursor ("1:" and NUL) and a stocker
    // prefix with one were 500s.
    bad.put("cursor with a NUL sku", http.get("/items/low-stock?after=MToA", stocker));
    // Cursors the report never gave out: "1:A" and a newline (Java's $ matched before it), "+1:A"
    // and "01:A" (parseInt takes both).
    for (String forged : new String[] {"1:A\n", "+1:A", "01:A"}) {
      bad.put(
          "forged cursor " + escaped(forged),
          http.get("/items/low-stock?after=" + cursor(forged), stocker));
    }
    bad.put("NUL stocker", http.get("/items/low-stock?stocker=%00", stocker));
    bad.forEach(
        (what, reply) -> {
          assertThat(reply.status()).as(what + ": " + reply).isEqualTo(400);
          assertThat(reply.header("Content-Type")).as(what).isEqualTo("application/problem+json");
        });
    // A query value is decoded once, as sent: "%2500" is the text "%00", "Zed%20100%25" is
    // "Zed 100%" (the library decoded values a second time: a 400 "can't decode", or a NUL).
    for (String prefix : new String[] {"%2500", "Zed%20100%25", "%5C", "%22x%22", "100"}) {
      Reply filtered = http.get("/items/low-stock?stocker=" + prefix, stocker);
      assertThat(filtered.status()).as(prefix + ": " + filtered).isEqualTo(200);
      assertThat(filtered.array("items")).as(prefix).isEmpty();
    }
    // Larger than REPLICA_TTL is held to it, as the contract says, however large (a 400 past
    // 100 years before; a 500 before that, past any timestamp).
    // So is any ISO-8601 duration: years, months and weeks too (a 400 before: Java's Duration
    // knows none of them), and a number of seconds past a long.
    for (String huge :
        new String[] {
          "P999999999D",
          "PT9223372036854775807S",
          "P1Y",
          "P1M",
          "P1W",
          "P2Y3M4W5DT6H7M8.5S",
          "PT99999999999999999999S",
          "P0Y"
        }) {
      Reply held = http.get("/items/low-stock?maxStaleness=" + huge, stocker);
      assertThat(held.status()).as(huge + ": " + held).isEqualTo(200);
    }
    assertThat(http.get("/items/NOPE", ADMIN).status()).isEqualTo(404);
    assertThat(
            http.post("/items/NOPE/restocks", stocker, new JsonObject().put("quantity", 1))
                .status())
        .isEqualTo(404);
    assertThat(
            http.post(
                    "/items/SAFE-1/restocks",
                    TestTokens.forRoles("not-a-uuid", "stocker"),
                    new JsonObject().put("quantity", 1))
                .status())
        .isEqualTo(422);
    assertThat(
            http.get(
                    "/items/low-stock",
                    TestTokens.forRoles(UUID.randomUUID().toString(), "customer"))
                .status())
        .isEqualTo(403);
    // Stock up near the column's limit, then past it: refused with a problem, nothing half-done.
    for (int i = 0; i < 2; i++) {
      Reply upward =
          http.post(
              "/items/SAFE-1/restocks", stocker, new JsonObject().put("quantity", 1_000_000_000));
      assertThat(upward.status()).as(upward.toString()).isEqualTo(201);
    }
    Reply pastTheTop =
        http.post(
            "/items/SAFE-1/restocks", stocker, new JsonObject().put("quantity", 1_000_000_000));
    assertThat(pastTheTop.status()).as(pastTheTop.toString()).isEqualTo(409);
    assertThat(pastTheTop.json().getString("type")).endsWith("/quantity-limit");
    assertThat(http.get("/items/SAFE-1", ADMIN).json().getInteger("quantity"))
        .isEqualTo(2_000_000_001);
    restocks += 2;
    assertThat(TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM items")).isEqualTo(items);
    assertThat(TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM restocks"))
        .isEqualTo(restocks);
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

  private int quantityOf(String sku) {
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
    assertThat(quantityOf("RETRY-1")).isEqualTo(5);

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
    assertThat(quantityOf("RETRY-1")).isEqualTo(8);
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
    assertThat(quantityOf("RETRY-1")).isEqualTo(15);
    assertThat(audited("RETRY-1")).isEqualTo(5);

    assertThat(restock(stocker, "NOPE", 1, "scan-3").status()).isEqualTo(404);
    assertThat(restock(stocker, "RETRY-1", 1, "no spaces").status()).isEqualTo(400);
    Reply pastTheTop = restock(stocker, "RETRY-1", 1_000_000_000, "scan-4");
    Reply pastTheTopAgain = restock(stocker, "RETRY-1", 1_000_000_000, "scan-4");
    assertThat(pastTheTop.status()).isEqualTo(201);
    assertThat(pastTheTopAgain.status()).isEqualTo(200);
    assertThat(quantityOf("RETRY-1")).isEqualTo(1_000_000_015);
    // The first restock took the item near its ceiling, where the same restock again would not
    // fit: its retry is still that restock (it was a 409 quantity-limit), a new one is refused.
    assertThat(restock(stocker, "RETRY-1", 1_000_000_000, "scan-5").status()).isEqualTo(201);
    Reply nearTheTopAgain = restock(stocker, "RETRY-1", 1_000_000_000, "scan-5");
    assertThat(nearTheTopAgain.status()).as(nearTheTopAgain.toString()).isEqualTo(200);
    assertThat(restock(stocker, "RETRY-1", 1_000_000_000, "scan-6").status()).isEqualTo(409);
    assertThat(quantityOf("RETRY-1")).isEqualTo(2_000_000_015);
  }

  private static String escaped(String text) {
    return text.chars().mapToObj(c -> String.format("\\u%04x", c)).reduce("", String::concat);
  }
}
