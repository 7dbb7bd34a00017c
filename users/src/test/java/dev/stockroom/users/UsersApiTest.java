package dev.stockroom.users;

import static dev.stockroom.users.UsersTestSupport.ADMIN;
import static dev.stockroom.users.UsersTestSupport.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The users API")
class UsersApiTest {
  private RunningService service;
  private TestHttp http;
  private Map<String, String> env;

  @BeforeAll
  void start() {
    env = UsersTestSupport.env();
    service = UsersTestSupport.start(env);
    http = new TestHttp(service.port());
  }

  @AfterAll
  void stop() {
    TestServices.stop(service);
  }

  @Test
  @DisplayName("a user is created at version 1, read back, changed to version 2, and erased")
  void lifecycle() {
    JsonObject ada = UsersTestSupport.register(http, "Ada Lovelace", 50_000);
    String id = ada.getString("id");
    assertThat(ada.getLong("version")).isEqualTo(1);
    assertThat(ada.getLong("availableCreditCents")).isEqualTo(50_000);

    Reply read = http.get("/users/" + id, ADMIN);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.header("ETag")).isEqualTo("\"1\"");
    assertThat(read.json().getString("name")).isEqualTo("Ada Lovelace");

    Reply changed =
        http.patch("/users/" + id, ADMIN, new JsonObject().put("name", "Ada King"), Map.of());
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.json().getLong("version")).isEqualTo(2);
    assertThat(changed.json().getString("name")).isEqualTo("Ada King");

    Reply same =
        http.patch("/users/" + id, ADMIN, new JsonObject().put("name", "Ada King"), Map.of());
    assertThat(same.json().getLong("version")).as("a change that changes nothing").isEqualTo(2);

    Reply noPhone = http.patch("/users/" + id, ADMIN, new JsonObject().putNull("phone"), Map.of());
    assertThat(noPhone.json().getString("phone")).isNull();
    assertThat(noPhone.json().getLong("version")).isEqualTo(3);

    assertThat(http.delete("/users/" + id, ADMIN).status()).isEqualTo(204);
    assertThat(http.get("/users/" + id, ADMIN).status()).isEqualTo(404);
    assertThat(http.delete("/users/" + id, ADMIN).status())
        .as("delete is idempotent")
        .isEqualTo(204);
  }

  @Test
  @DisplayName("If-Match guards a change: the current version passes, a stale one is 412")
  void ifMatch() {
    String id = UsersTestSupport.register(http, "Grace Hopper", 0).getString("id");
    Reply ok =
        http.patch(
            "/users/" + id,
            ADMIN,
            new JsonObject().put("name", "Grace B. Hopper"),
            Map.of("If-Match", "\"1\""));
    assertThat(ok.status()).isEqualTo(200);
    Reply stale =
        http.patch(
            "/users/" + id,
            ADMIN,
            new JsonObject().put("name", "Amazing Grace"),
            Map.of("If-Match", "\"1\""));
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.json().getLong("currentVersion")).isEqualTo(2);
    assertThat(http.get("/users/" + id, ADMIN).json().getString("name"))
        .isEqualTo("Grace B. Hopper");
    assertThat(
            http.patch(
                    "/users/" + id,
                    ADMIN,
                    new JsonObject().put("name", "x"),
                    Map.of("If-Match", "v1"))
                .status())
        .isEqualTo(400);
    // If-Match compares strongly (RFC 9110 13.1.1): a weak tag never matches, even the current
    // version's; it matched before. Unbalanced quotes are malformed.
    Reply weak =
        http.patch(
            "/users/" + id,
            ADMIN,
            new JsonObject().put("name", "Weak Grace"),
            Map.of("If-Match", "W/\"2\""));
    assertThat(weak.status()).as(weak.toString()).isEqualTo(412);
    // The refusal names what was sent, not an internal stand-in ("not -1" before).
    assertThat(weak.json().getString("detail")).doesNotContain("-1").contains("weak");
    assertThat(
            http.patch(
                    "/users/" + id,
                    ADMIN,
                    new JsonObject().put("name", "x"),
                    Map.of("If-Match", "\"2"))
                .status())
        .isEqualTo(400);
    assertThat(http.get("/users/" + id, ADMIN).json().getString("name"))
        .isEqualTo("Grace B. Hopper");
    // RFC 9110 13.1.1's other forms (a 400 before): a list matches any of its strong tags, "*"
    // any current version.
    Reply listed =
        http.patch(
            "/users/" + id,
            ADMIN,
            new JsonObject().put("name", "Listed Grace"),
            Map.of("If-Match", "\"1\", W/\"2\", \"2\""));
    assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
    Reply listedStale =
        http.patch(
            "/users/" + id,
            ADMIN,
            new JsonObject().put("name", "x"),
            Map.of("If-Match", "\"1\",\"2\""));
    assertThat(listedStale.status()).as(listedStale.toString()).isEqualTo(412);
    assertThat(listedStale.json().getString("detail")).contains("1, 2");
    Reply any =
        http.patch(
            "/users/" + id,
            ADMIN,
            new JsonObject().put("name", "Any Grace"),
            Map.of("If-Match", "*"));
    assertThat(any.status()).as(any.toString()).isEqualTo(200);
    assertThat(any.header("ETag")).isEqualTo("\"4\"");
    // On two lines: refused by the contract's validation (a review feared it read only the first
    // line, so that the current "4" then a stale "1" would pass as a match).
    Reply twoLines =
        http.send(
            http.request("/users/" + id, ADMIN)
                .header("Content-Type", "application/json")
                .header("If-Match", "\"4\"")
                .header("If-Match", "\"1\"")
                .method(
                    "PATCH",
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        new JsonObject().put("name", "Two Lines").encode()))
                .build());
    assertThat(twoLines.status()).as(twoLines.toString()).isEqualTo(400);
    assertThat(http.get("/users/" + id, ADMIN).json().getString("name")).isEqualTo("Any Grace");
  }

  @Test
  @DisplayName("names are stored NFC-normalised: a decomposed é is the same name as a composed one")
  void unicodeNormalisation() {
    Reply decomposed =
        http.post(
            "/users",
            ADMIN,
            new JsonObject()
                .put("name", "Jose\u0301 Nun\u0303ez")
                .put("email", "jose." + UUID.randomUUID() + "@example.com"));
    assertThat(decomposed.status()).as(decomposed.toString()).isEqualTo(201);
    assertThat(decomposed.json().getString("name")).isEqualTo("Jos\u00e9 Nu\u00f1ez");

    String id = decomposed.json().getString("id");
    Reply renamed =
        http.patch("/users/" + id, ADMIN, new JsonObject().put("name", "Zoe\u0308"), Map.of());
    assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
    assertThat(http.get("/users/" + id, ADMIN).json().getString("name")).isEqualTo("Zo\u00eb");
    // A zero-width non-joiner inside a Persian name is part of how it is written.
    Reply joined =
        http.patch(
            "/users/" + id,
            ADMIN,
            new JsonObject().put("name", "\u0645\u06cc\u200c\u0631\u0627"),
            Map.of());
    assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
    assertThat(http.get("/users/" + id, ADMIN).json().getString("name"))
        .isEqualTo("\u0645\u06cc\u200c\u0631\u0627");
  }

  @Test
  @DisplayName("an email already taken, in any letter case, is 409 and nothing is written")
  void duplicateEmail() {
    JsonObject first = UsersTestSupport.register(http, "Alan Turing", 0);
    long before = TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM users");
    Reply dup =
        http.post(
            "/users",
            ADMIN,
            new JsonObject()
                .put("name", "Imposter")
                .put("email", first.getString("email").toUpperCase()));
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM users")).isEqualTo(before);
    // The format's check split the domain at dots and dropped empty parts: "…com." was a second
    // account for the same mailbox.
    for (String lookAlike :
        new String[] {
          first.getString("email") + ".",
          first.getString("email") + "..",
          first.getString("email").replace("@", "@.")
        }) {
      Reply refused =
          http.post(
              "/users", ADMIN, new JsonObject().put("name", "Imposter").put("email", lookAlike));
      assertThat(refused.status()).as(lookAlike).isEqualTo(400);
    }
    assertThat(TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM users")).isEqualTo(before);

    String other = UsersTestSupport.register(http, "Joan Clarke", 0).getString("id");
    Reply taken =
        http.patch(
            "/users/" + other,
            ADMIN,
            new JsonObject().put("email", first.getString("email")),
            Map.of());
    assertThat(taken.status()).isEqualTo(409);
  }

  @Test
  @DisplayName("a batch lookup answers the users found and lists the missing ids")
  void batchLookup() {
    String a = UsersTestSupport.register(http, "Batch A", 0).getString("id");
    String b = UsersTestSupport.register(http, "Batch B", 0).getString("id");
    String ghost = UUID.randomUUID().toString();
    Reply reply = http.get("/users?ids=" + a + "," + ghost + "," + b, SERVICE);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.array("users").stream().map(u -> ((JsonObject) u).getString("id")))
        .containsExactlyInAnyOrder(a, b);
    assertThat(reply.array("missing").getList()).containsExactly(ghost);

    StringBuilder tooMany = new StringBuilder();
    for (int i = 0; i < 201; i++) {
      tooMany.append(i == 0 ? "" : ",").append(UUID.randomUUID());
    }
    assertThat(http.get("/users?ids=" + tooMany, SERVICE).status()).isEqualTo(400);
    assertThat(http.get("/users?ids=not-a-uuid", SERVICE).status()).isEqualTo(400);
    // Only the first was read: b was in neither list, and a page of 500 was a page of one.
    Reply repeated = http.get("/users?ids=" + a + "&ids=" + b, SERVICE);
    assertThat(repeated.status()).as(repeated.body()).isEqualTo(400);
    assertThat(repeated.body()).contains("ids is given more than once");
    assertThat(http.get("/users?limit=1&limit=500", ADMIN).status()).isEqualTo(400);
  }

  @Test
  @DisplayName("paging returns every existing user exactly once while users are being added")
  void pagingUnderWrites() throws Exception {
    for (int i = 0; i < 40; i++) {
      UsersTestSupport.register(http, "Pager " + i, 0);
    }
    Set<String> existing = new HashSet<>(allIds(1000));
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger added = new AtomicInteger();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<?> writes =
        writer.submit(
            () -> {
              while (writing.get()) {
                UsersTestSupport.register(http, "Newcomer", 0);
                added.incrementAndGet();
              }
            });
    Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(added.get()).isPositive());
    int before = added.get();
    List<String> paged = allIds(3);
    int after = added.get();
    writing.set(false);
    writes.get();
    writer.shutdown();
    assertThat(after).as("users added while paging").isGreaterThan(before);
    assertThat(new HashSet<>(paged)).as("no user twice").hasSize(paged.size());
    assertThat(paged).containsAll(existing);
  }

  private List<String> allIds(int pageSize) {
    List<String> ids = new ArrayList<>();
    String after = null;
    do {
      Reply page =
          http.get("/users?limit=" + pageSize + (after == null ? "" : "&after=" + after), ADMIN);
      assertThat(page.status()).isEqualTo(200);
      page.array("users").forEach(u -> ids.add(((JsonObject) u).getString("id")));
      after = page.json().getString("next");
    } while (after != null);
    return ids;
  }

  @Test
  @DisplayName("people may read and change only themselves; others get 403")
  void selfAccess() {
    String me = UsersTestSupport.register(http, "Self Reader", 0).getString("id");
    String other = UsersTestSupport.register(http, "Someone Else", 0).getString("id");
    String myToken = TestTokens.forRoles(me, "customer");
    assertThat(http.get("/users/" + me, myToken).status()).isEqualTo(200);
    assertThat(http.get("/users/" + other, myToken).status()).isEqualTo(403);
    assertThat(
            http.patch("/users/" + other, myToken, new JsonObject().put("name", "Hacked"), Map.of())
                .status())
        .isEqualTo(403);
    assertThat(
            http.patch(
                    "/users/" + me, myToken, new JsonObject().put("name", "Self Writer"), Map.of())
                .status())
        .isEqualTo(200);
    assertThat(http.get("/users?limit=5", myToken).status()).isEqualTo(403);
    assertThat(http.delete("/users/" + me, myToken).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("bad input on every endpoint is a 4xx problem and writes nothing")
  void badInput() {
    String id = UsersTestSupport.register(http, "Valid Person", 1000).getString("id");
    long users = TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM users");
    long outbox = TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM outbox");
    Map<String, Reply> replies = new HashMap<>();
    replies.put(
        "bad email",
        http.post("/users", ADMIN, new JsonObject().put("name", "X").put("email", "not-an-email")));
    replies.put(
        "blank name",
        http.post("/users", ADMIN, new JsonObject().put("name", "   ").put("email", "a@b.co")));
    replies.put(
        "long name",
        http.post(
            "/users", ADMIN, new JsonObject().put("name", "n".repeat(201)).put("email", "a@b.co")));
    replies.put(
        "bad phone",
        http.post(
            "/users",
            ADMIN,
            new JsonObject().put("name", "X").put("email", "a@b.co").put("phone", "call me")));
    replies.put(
        "negative credit",
        http.post(
            "/users",
            ADMIN,
            new JsonObject().put("name", "X").put("email", "a@b.co").put("creditLimitCents", -1)));
    replies.put(
        "wrong type",
        http.post("/users", ADMIN, new JsonObject().put("name", 42).put("email", "a@b.co")));
    // Java's \S knows only ASCII's whitespace: an em space was stored as the name "".
    replies.put(
        "em space name",
        http.post("/users", ADMIN, new JsonObject().put("name", "\u2003").put("email", "e@b.co")));
    replies.put(
        "rename to an ideographic space",
        http.patch("/users/" + id, ADMIN, new JsonObject().put("name", "\u3000"), Map.of()));
    // Control characters and invisible ones only were names (a probe stored "\u0001\u0002").
    replies.put(
        "control characters in a name",
        http.post(
            "/users", ADMIN, new JsonObject().put("name", "\u0001\u0002").put("email", "c@b.co")));
    replies.put(
        "a line break in a name",
        http.post("/users", ADMIN, new JsonObject().put("name", "Ada\nL").put("email", "d@b.co")));
    replies.put(
        "a Hangul filler for a name",
        http.post("/users", ADMIN, new JsonObject().put("name", "\u3164").put("email", "f@b.co")));
    replies.put(
        "a right-to-left override in a name",
        http.post(
            "/users",
            ADMIN,
            new JsonObject().put("name", "Ada\u202eecalevoL").put("email", "g@b.co")));
    replies.put(
        "rename to a zero-width space",
        http.patch("/users/" + id, ADMIN, new JsonObject().put("name", "\u3000\u200b"), Map.of()));
    // The email format's $ let a final CR or U+2028 in: a second account beside "a@b.co".
    replies.put(
        "email with a CR",
        http.post("/users", ADMIN, new JsonObject().put("name", "Cr").put("email", "a\r@b.co")));
    replies.put(
        "email ending in U+2028",
        http.post(
            "/users", ADMIN, new JsonObject().put("name", "Ls").put("email", "a@b.co\u2028")));
    replies.put(
        "phone ending in CR",
        http.post(
            "/users",
            ADMIN,
            new JsonObject().put("name", "X").put("email", "p@b.co").put("phone", "+15551234\r")));
    // A hold id ending in CR was taken, and its Location header could not be sent; ".." could
    // never be captured or released by its path.
    for (String holdId : new String[] {"h-cr\r", ".."}) {
      replies.put(
          "hold id " + holdId.strip(),
          http.post(
              "/users/" + id + "/credit-holds",
              SERVICE,
              new JsonObject().put("holdId", holdId).put("amountCents", 5).put("ttlSeconds", 60)));
    }
    // PostgreSQL's text cannot hold U+0000: this was a 500 from the insert.
    replies.put(
        "NUL in a name",
        http.post(
            "/users", ADMIN, new JsonObject().put("name", "Nul\u0000l").put("email", "n@b.co")));
    // A lone surrogate was stored as '?': the name silently changed.
    replies.put(
        "half a surrogate pair",
        http.send(
            "POST",
            "/users",
            ADMIN,
            "application/json",
            "{\"name\":\"Half \\ud800\",\"email\":\"h@b.co\"}"));
    replies.put(
        "NUL in a change",
        http.patch("/users/" + id, ADMIN, new JsonObject().put("name", "\u0000"), Map.of()));
    replies.put("empty patch", http.patch("/users/" + id, ADMIN, new JsonObject(), Map.of()));
    replies.put(
        "unknown field",
        http.patch("/users/" + id, ADMIN, new JsonObject().put("creditLimitCents", 5), Map.of()));
    replies.put("bad id", http.get("/users/123", ADMIN));
    // The library's uuid format also takes "urn:uuid:…" and a trailing newline, which
    // java.util.UUID refuses: each of these was a 500.
    String urn = "urn:uuid:" + id;
    replies.put("urn id", http.get("/users/" + urn, ADMIN));
    replies.put("id and a newline", http.get("/users/" + id + "%0A", ADMIN));
    replies.put("urn after", http.get("/users?after=" + urn, ADMIN));
    replies.put("urn in ids", http.get("/users?ids=" + urn, ADMIN));
    replies.put(
        "urn in a change",
        http.patch("/users/" + urn, ADMIN, new JsonObject().put("name", "Urn"), Map.of()));
    replies.put("urn deleted", http.delete("/users/" + urn, ADMIN));
    replies.put(
        "urn holder",
        http.post(
            "/users/" + urn + "/credit-holds",
            SERVICE,
            new JsonObject().put("holdId", "h-urn").put("amountCents", 5).put("ttlSeconds", 60)));
    replies.put(
        "urn holder in a batch",
        http.post(
            "/batch/credit-holds",
            SERVICE,
            new JsonObject()
                .put(
                    "holds",
                    new io.vertx.core.json.JsonArray()
                        .add(
                            new JsonObject()
                                .put("holdId", "h-urn-2")
                                .put("userId", urn)
                                .put("amountCents", 5)
                                .put("ttlSeconds", 60)))));
    replies.put("bad limit", http.get("/users?limit=0", ADMIN));
    replies.put("bad after", http.get("/users?after=xyz", ADMIN));
    replies.put(
        "negative hold",
        http.post(
            "/users/" + id + "/credit-holds",
            SERVICE,
            new JsonObject().put("holdId", "h-bad").put("amountCents", -1).put("ttlSeconds", 60)));
    replies.put(
        "huge ttl",
        http.post(
            "/users/" + id + "/credit-holds",
            SERVICE,
            new JsonObject()
                .put("holdId", "h-bad")
                .put("amountCents", 5)
                .put("ttlSeconds", 864000)));
    replies.put(
        "bad hold id",
        http.post(
            "/users/" + id + "/credit-holds",
            SERVICE,
            new JsonObject()
                .put("holdId", "no spaces please")
                .put("amountCents", 5)
                .put("ttlSeconds", 60)));
    replies.forEach(
        (what, reply) -> {
          assertThat(reply.status()).as(what + ": " + reply).isEqualTo(400);
          assertThat(reply.header("Content-Type")).as(what).isEqualTo("application/problem+json");
        });
    // A query parameter's errors point into it, and an empty list is said to be one (the schema
    // library called it "the request body is missing", at the pointer "/").
    JsonObject empty = http.get("/users?ids=", SERVICE).json();
    assertThat(empty.getString("detail")).as(empty.encode()).doesNotContain("body").contains("ids");
    assertThat(empty.getJsonArray("errors").getJsonObject(0).getString("pointer"))
        .isEqualTo("query ids");
    JsonObject notIds = http.get("/users?ids=" + UUID.randomUUID() + ",x", SERVICE).json();
    assertThat(
            notIds.getJsonArray("errors").stream()
                .map(e -> ((JsonObject) e).getString("pointer"))
                .toList())
        .as(notIds.encode())
        .containsExactly("query ids/1");
    assertThat(http.get("/users/" + UUID.randomUUID(), ADMIN).status()).isEqualTo(404);
    assertThat(
            http.patch(
                    "/users/" + UUID.randomUUID(),
                    ADMIN,
                    new JsonObject().put("name", "Nobody"),
                    Map.of())
                .status())
        .isEqualTo(404);
    assertThat(TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM users")).isEqualTo(users);
    assertThat(TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM outbox")).isEqualTo(outbox);
    assertThat(TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM credit_holds")).isZero();
  }
}
