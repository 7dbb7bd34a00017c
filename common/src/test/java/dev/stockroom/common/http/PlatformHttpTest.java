package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.domain.Refusal;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The HTTP platform")
class PlatformHttpTest {
  private RunningService service;
  private TestHttp http;
  private Map<String, String> env;
  private final String admin = TestTokens.admin();

  @BeforeAll
  void start() {
    env = TestServices.env("platform_http");
    service = TestServices.start(PlatformTestService::start, env);
    http = new TestHttp(service.port());
  }

  @AfterAll
  void stop() {
    TestServices.stop(service);
  }

  @Test
  @DisplayName("a valid request passes validation, is stored, and can be read back")
  void happyPath() {
    Reply created =
        http.post("/things", admin, new JsonObject().put("name", "bolt").put("count", 3));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).startsWith("/things/");
    Reply read = http.get(created.header("Location"), admin);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().getString("name")).isEqualTo("bolt");
  }

  @Test
  @DisplayName(
      "HEAD on a resource answers as its GET, without the body (RFC 9110): same status and"
          + " headers, the same token needed")
  void headIsGetWithoutTheBody() {
    Reply created =
        http.post("/things", admin, new JsonObject().put("name", "nut").put("count", 1));
    String location = created.header("Location");
    Reply get = http.get(location, admin);
    Reply head = http.send("HEAD", location, admin, null, null);
    assertThat(head.status()).as(head.toString()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
    // Content-Length may be left out (RFC 9110 §9.3.2: known only while generating the content).
    assertThat(head.header("X-Request-Id")).as("the platform's handlers ran").isNotBlank();
    assertThat(http.send("HEAD", "/health/live", null, null, null).status()).isEqualTo(200);
    assertThat(http.send("HEAD", location, null, null, null).status())
        .as("without a token, as GET")
        .isEqualTo(401);
    assertThat(http.send("HEAD", "/nothing-here", admin, null, null).status()).isEqualTo(404);
    // A method the path does not have: 405 with the ones it has (RFC 9110: MUST send Allow).
    Reply notAllowed = http.send("DELETE", location, admin, null, null);
    assertThat(notAllowed.status()).as(notAllowed.toString()).isEqualTo(405);
    assertThat(notAllowed.header("Allow")).isEqualTo("GET, HEAD");
    assertThat(http.send("PUT", "/things", admin, null, null).header("Allow")).isEqualTo("POST");
  }

  @Test
  @DisplayName("requests are validated on the event loop: a busy worker pool does not stall them")
  void validationNeedsNoWorker() throws Exception {
    Reply created =
        http.post("/things", admin, new JsonObject().put("name", "nut").put("count", 1));
    var vertx = service.context().vertx();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(20);
    try {
      // Vert.x's default worker pool has 20 threads: occupy them all, as long blocking work would.
      for (int i = 0; i < 20; i++) {
        vertx.executeBlocking(
            () -> {
              busy.countDown();
              return release.await(60, java.util.concurrent.TimeUnit.SECONDS);
            },
            false);
      }
      assertThat(busy.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();
      Reply read = http.get(created.header("Location") + "?limit=5", admin);
      assertThat(read.status()).isEqualTo(200);
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(java.time.Duration.ofSeconds(5));
      assertProblem(http.get(created.header("Location") + "?limit=99", admin), 400);
    } finally {
      release.countDown();
    }
  }

  @Test
  @DisplayName("the migrations ran on the real PostgreSQL")
  void migrationsApplied() throws Exception {
    try (Connection c = TestDb.connect(env.get("PG_URI"));
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT version, success FROM flyway_schema_history WHERE version = '1'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean("success")).isTrue();
    }
  }

  @Test
  @DisplayName("malformed JSON is a 400 problem and nothing is written")
  void malformedJson() {
    long before = countThings();
    Reply reply = http.send("POST", "/things", admin, "application/json", "{\"name\": \"x\", ");
    assertProblem(reply, 400);
    assertThat(countThings()).isEqualTo(before);
  }

  @Test
  @DisplayName(
      "a body with a duplicate key is a 400 problem naming the key, and nothing is written")
  void duplicateKeys() {
    long before = countThings();
    Reply reply =
        http.send(
            "POST",
            "/things",
            admin,
            "application/json",
            "{\"name\": \"first\", \"count\": 1, \"name\": \"second\"}");
    assertProblem(reply, 400);
    assertThat(countThings()).isEqualTo(before);
  }

  @Test
  @DisplayName(
      "a number a double would round to a whole number it is not is a 400 for an integer field;"
          + " whole numbers written as 1.0 or 3e0 are read as before")
  void inexactWholeNumbers() {
    long before = countThings();
    // Each was read as a whole double and taken as the integer 1 or 0.
    // 1e-99999999999: no BigDecimal holds its exponent (a 500 in the first version of the check).
    for (String count :
        new String[] {"0.99999999999999999", "1e-400", "9007199254740993.0", "1e-99999999999"}) {
      assertProblem(thingCounting(count), 400);
    }
    assertThat(countThings()).isEqualTo(before);
    for (String count : new String[] {"1.0", "3e0"}) {
      Reply reply = thingCounting(count);
      assertThat(reply.status()).as(count + ": " + reply).isEqualTo(201);
    }
  }

  /** A thing whose count is written as {@code literal}, as a client might send it. */
  private Reply thingCounting(String literal) {
    return http.send(
        "POST",
        "/things",
        admin,
        "application/json",
        "{\"name\": \"x\", \"count\": " + literal + "}");
  }

  @Test
  @DisplayName(
      "what the HTTP codec refuses (URI too long, headers too large, no HTTP) is a problem too")
  void codecErrors() throws Exception {
    String longUri = "GET /things/" + "1".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    String bigHeader =
        "GET /things/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n";
    for (Map.Entry<String, Integer> request :
        Map.of(longUri, 414, bigHeader, 431, "HELLO\r\n\r\n", 400).entrySet()) {
      String answer = rawExchange(request.getKey());
      assertThat(answer)
          .as(answer)
          .containsPattern("^HTTP/1\\.[01] " + request.getValue() + " ")
          .containsIgnoringCase("content-type: " + Problem.CONTENT_TYPE)
          .contains("\"status\":" + request.getValue())
          // RFC 9457: instance is a URI reference when present, never null.
          .doesNotContain("\"instance\":null")
          .doesNotContain("1111111111")
          .doesNotContain("bbbbbbbbbb");
    }
  }

  @Test
  @DisplayName(
      "a path that is not valid percent-encoding is a 400 problem, with or without a token, and"
          + " not a 500 logged with its stack")
  void badPercentEncoding() throws Exception {
    for (String path : new String[] {"/%zz", "/%", "/things/a%2", "/health/%zz"}) {
      for (String auth : new String[] {"", "Authorization: Bearer " + admin + "\r\n"}) {
        String answer =
            rawExchange(
                "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + "Connection: close\r\n\r\n");
        assertThat(answer)
            .as(path + (auth.isEmpty() ? "" : " with a token") + ": " + answer)
            .containsPattern("^HTTP/1\\.1 400 ")
            .containsIgnoringCase("content-type: " + Problem.CONTENT_TYPE);
      }
    }
  }

  @Test
  @DisplayName(
      "/docs serves this service's page and the two assets it loads, not the WebJar's own pages"
          + " (its index.html and initializer show the Petstore's API)")
  void docsServeOnlyThisContract() {
    for (String page : new String[] {"/docs", "/docs/index.html"}) {
      Reply reply = http.get(page, null);
      assertThat(reply.status()).as(page).isEqualTo(200);
      assertThat(reply.body()).as(page).contains("/openapi.yaml").doesNotContain("petstore");
    }
    assertThat(http.get("/docs/swagger-ui-bundle.js", null).status()).isEqualTo(200);
    assertThat(http.get("/docs/swagger-ui.css", null).status()).isEqualTo(200);
    for (String stock :
        new String[] {
          "/docs/swagger-initializer.js", "/docs/oauth2-redirect.html", "/docs/index.css"
        }) {
      assertThat(http.get(stock, null).status()).as(stock).isEqualTo(404);
    }
  }

  /** Writes raw bytes and reads until the server closes the connection. */
  private String rawExchange(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("localhost", service.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  @DisplayName("a body that is not JSON is a 415 problem")
  void wrongContentType() {
    assertProblem(http.send("POST", "/things", admin, "text/plain", "name=x"), 415);
  }

  @Test
  @DisplayName(
      "media types are case-insensitive (RFC 9110 §8.3.1); a body in a content coding the"
          + " service does not decode is a 415, never read as plain JSON")
  void mediaTypeCaseAndContentCoding() {
    String body = new JsonObject().put("name", "cased").put("count", 1).encode();
    for (String contentType :
        new String[] {"APPLICATION/JSON", "Application/Json; Charset=UTF-8"}) {
      Reply created = http.send("POST", "/things", admin, contentType, body);
      assertThat(created.status()).as(contentType + ": " + created).isEqualTo(201);
    }
    long before = countThings();
    for (String coding : new String[] {"gzip", "br", "identity, gzip"}) {
      Reply coded =
          http.send(
              http.request("/things", admin)
                  .header("Content-Type", "application/json")
                  .header("Content-Encoding", coding)
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                  .build());
      assertThat(assertProblem(coded, 415).getString("detail")).as(coding).contains("coding");
    }
    Reply identity =
        http.send(
            http.request("/things", admin)
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "identity")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertThat(identity.status()).as(identity.toString()).isEqualTo(201);
    assertThat(countThings()).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("a body over the limit is a 413 problem")
  void oversizeBody() {
    String huge = new JsonObject().put("name", "x".repeat(70 * 1024)).put("count", 1).encode();
    assertProblem(http.send("POST", "/things", admin, "application/json", huge), 413);
  }

  @Test
  @DisplayName("an unknown route is a 404 problem and a wrong method a 405 problem")
  void unknownRouteAndMethod() {
    assertProblem(http.get("/nothing-here", admin), 404);
    assertProblem(http.send("DELETE", "/things", admin, null, null), 405);
  }

  @Test
  @DisplayName("schema violations are a 400 problem naming each field")
  void validationDetails() {
    long before = countThings();
    Reply reply =
        http.post("/things", admin, new JsonObject().put("name", "").put("count", "three"));
    JsonObject problem = assertProblem(reply, 400);
    assertThat(problem.getJsonArray("errors")).isNotEmpty();
    assertThat(problem.getJsonArray("errors").encode()).contains("/count");
    assertThat(countThings()).isEqualTo(before);

    JsonObject missing =
        assertProblem(http.post("/things", admin, new JsonObject().put("name", "a")), 400);
    assertThat(missing.encode()).contains("count");
    JsonObject unknownField =
        assertProblem(
            http.post(
                "/things", admin, new JsonObject().put("name", "a").put("count", 1).put("x", 1)),
            400);
    assertThat(unknownField.getJsonArray("errors")).isNotEmpty();

    // Bad emails, and one that makes the schema library's own format check throw
    // (vertx-json-schema 5.0.7 reads the first character of an empty string): each a 400 naming
    // the field, never a 500.
    for (String email : List.of("@@", "a@", "@b.c", "")) {
      JsonObject badEmail =
          assertProblem(
              http.post(
                  "/things",
                  admin,
                  new JsonObject().put("name", "a").put("count", 1).put("email", email)),
              400);
      assertThat(badEmail.encode()).as(email).contains("email");
    }
    assertThat(countThings()).isEqualTo(before);
  }

  @Test
  @DisplayName(
      "a body with three invalid fields answers three errors, each at its field's JSON pointer"
          + " (RFC 6901) with the rule it broke")
  void oneErrorPerInvalidField() {
    JsonObject problem =
        assertProblem(
            http.post(
                "/things",
                admin,
                new JsonObject().put("name", "").put("count", -1).put("email", "not-an-email")),
            400);
    assertThat(problem.getJsonArray("errors").stream().map(JsonObject.class::cast))
        .as(problem.encode())
        .extracting(e -> e.getString("pointer"))
        .containsExactlyInAnyOrder("/name", "/count", "/email");
    assertThat(problem.getJsonArray("errors").stream().map(JsonObject.class::cast))
        .extracting(e -> e.getString("detail"))
        .noneMatch(d -> d.contains("additional properties") || d.contains("subschema"));
    JsonObject extra =
        assertProblem(
            http.post(
                "/things", admin, new JsonObject().put("name", "a").put("count", 1).put("x", 1)),
            400);
    assertThat(extra.getJsonArray("errors").stream().map(JsonObject.class::cast))
        .extracting(e -> e.getString("pointer"))
        .containsExactly("/x");
    JsonObject spaced =
        assertProblem(
            http.post(
                "/things", admin, new JsonObject().put("name", "a").put("count", 1).put("a b", 1)),
            400);
    assertThat(spaced.getJsonArray("errors").getJsonObject(0).getString("pointer"))
        .isEqualTo("/a b");
  }

  @Test
  @DisplayName(
      "bad path and query values, and a query that is not valid percent-encoding, are 400 problems")
  void badParameters() throws Exception {
    assertProblem(http.get("/things/abc", admin), 400);
    assertProblem(http.get("/things/1?limit=abc", admin), 400);
    JsonObject tooBig = assertProblem(http.get("/things/1?limit=500", admin), 400);
    assertThat(tooBig.getJsonArray("errors").getJsonObject(0).getString("pointer"))
        .isEqualTo("query limit");
    String badEscape =
        rawExchange(
            "GET /things/1?limit=%zz HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + admin
                + "\r\nConnection: close\r\n\r\n");
    assertThat(badEscape)
        .startsWith("HTTP/1.1 400")
        .contains("application/problem+json")
        .contains("percent-encoding");
  }

  @Test
  @DisplayName("an unknown id is a 404 problem")
  void unknownId() {
    assertProblem(http.get("/things/999999", admin), 404);
  }

  @Test
  @DisplayName("requests without a valid token are 401, with the wrong role 403")
  void authentication() {
    Reply none = http.post("/things", null, new JsonObject().put("name", "a").put("count", 1));
    assertProblem(none, 401);
    assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
    Reply empty = http.get("/things/1", "");
    assertThat(assertProblem(empty, 401).getString("detail")).contains("carries no token");
    assertThat(empty.header("WWW-Authenticate")).startsWith("Bearer");

    // Each refusal says why in the caller's terms, never in the JWT library's or JSON parser's.
    JsonObject claims = TestTokens.claims("admin-1", "admin");
    assertRefused(
        TestTokens.sign(claims, "another-secret-that-is-32-bytes-long!!"),
        "its signature does not verify with a key this service trusts");
    assertRefused(
        TestTokens.sign(
            claims.copy().put("exp", Instant.now().minusSeconds(60).getEpochSecond()),
            JwtConfig.DEV_SECRET),
        "it has expired");
    // The library says "expired" of a token not valid yet too: a clock ahead of this one.
    long ahead = Instant.now().plusSeconds(600).getEpochSecond();
    assertRefused(
        TestTokens.sign(claims.copy().put("nbf", ahead), JwtConfig.DEV_SECRET),
        "it is not valid yet (nbf " + Instant.ofEpochSecond(ahead) + "): is a clock ahead?");
    assertRefused(
        TestTokens.sign(claims.copy().put("iat", ahead), JwtConfig.DEV_SECRET),
        "it was issued in the future (iat "
            + Instant.ofEpochSecond(ahead)
            + "): is a clock ahead?");
    assertRefused(
        TestTokens.sign(claims.copy().put("aud", "elsewhere"), JwtConfig.DEV_SECRET),
        "its audience is not this service");
    assertRefused(
        TestTokens.sign(claims.copy().put("iss", "mallory"), JwtConfig.DEV_SECRET),
        "its issuer is not one this service trusts");
    JsonObject noExp = claims.copy();
    noExp.remove("exp");
    assertRefused(TestTokens.sign(noExp, JwtConfig.DEV_SECRET), "the exp claim is required");
    assertRefused("not-a-jwt", "it is not a well-formed, signed JWT");
    // Parts that are base64 but not UTF-8 JSON: the parser's message names its source and offset.
    assertRefused("t7c.t7c.t7c", "it is not a well-formed, signed JWT");
    assertRefused("e30.e30.e30", "it is not a well-formed, signed JWT");

    Reply wrongRole =
        http.post(
            "/things",
            TestTokens.forRoles("c-1", "customer"),
            new JsonObject().put("name", "a").put("count", 1));
    assertProblem(wrongRole, 403);
  }

  private void assertRefused(String token, String reason) {
    String detail = assertProblem(http.get("/things/1", token), 401).getString("detail");
    assertThat(detail)
        .as("token %s", token)
        .startsWith("A valid bearer token is required")
        .endsWith("the token is not valid: " + reason)
        .doesNotContainIgnoringCase("source")
        .doesNotContainIgnoringCase("exception");
  }

  @Test
  @DisplayName("the request id is taken from X-Request-Id or made, and returned")
  void requestIds() {
    Reply given =
        http.send(
            http.request("/things/999999", admin).header("X-Request-Id", "abc-123").GET().build());
    assertThat(given.header("X-Request-Id")).isEqualTo("abc-123");
    assertThat(given.json().getString("requestId")).isEqualTo("abc-123");
    assertThat(http.get("/things/999999", admin).header("X-Request-Id")).isNotBlank();
  }

  @Test
  @DisplayName("health, metrics and the OpenAPI document are served without a token")
  void platformRoutes() {
    assertThat(http.get("/health/live", null).status()).isEqualTo(200);
    Reply ready = http.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getJsonObject("checks").getString("database")).isEqualTo("up");
    http.get("/things/1", admin);
    Reply metrics = http.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("vertx_http_server_requests_total")
        .contains("service=\"platformtest\"");
    Reply contract = http.get("/openapi.yaml", null);
    assertThat(contract.status()).isEqualTo(200);
    assertThat(contract.body()).contains("operationId: createThing");
  }

  @Test
  @DisplayName(
      "request meters keep Vert.x's names and labels: the operation's route, method and code;"
          + " an unmatched path has an empty route")
  void requestMeters() {
    Reply created =
        http.post("/things", admin, new JsonObject().put("name", "meter").put("count", 1));
    assertThat(created.status()).isEqualTo(201);
    assertThat(http.get(created.header("Location"), admin).status()).isEqualTo(200);
    assertThat(http.get("/things/not-a-number", admin).status()).isEqualTo(400);
    assertThat(http.get("/nowhere", admin).status()).isEqualTo(404);
    String labels = "code=\"%s\",method=\"%s\",route=\"%s\",service=\"platformtest\"";
    String metrics = http.get("/metrics", null).body();
    assertThat(metrics)
        .contains("vertx_http_server_requests_total{" + labels.formatted(201, "POST", "/things"))
        .contains("vertx_http_server_requests_total{" + labels.formatted(200, "GET", "/things/:id"))
        .contains("vertx_http_server_requests_total{" + labels.formatted(400, "GET", "/things/:id"))
        .contains("vertx_http_server_requests_total{" + labels.formatted(404, "GET", ""))
        .containsPattern(
            "vertx_http_server_response_time_seconds_bucket\\{code=\"200\",[^}]*"
                + "method=\"GET\",route=\"/things/:id\"")
        .containsPattern("(?m)^vertx_http_server_active_connections\\{[^}]*} [0-9.E]+$");
  }

  @Test
  @DisplayName(
      "made-up HTTP methods, without a token, do not each get meters of their own: they share"
          + " one label, so no client can grow the metrics without bound")
  void madeUpMethodsShareOneLabel() {
    for (int i = 0; i < 40; i++) {
      Reply answered = http.send("ZZM" + i, "/things", null, null, null);
      assertThat(answered.status()).as(answered.toString()).isBetween(400, 499);
    }
    String metrics = http.get("/metrics", null).body();
    assertThat(metrics).doesNotContain("method=\"ZZM").contains("method=\"OTHER\"");
  }

  @Test
  @DisplayName("an unexpected failure is a 500 problem that reveals nothing of the internals")
  void internalErrorsHideDetails() {
    Problem problem = ProblemHandler.toProblem(new NullPointerException("password=hunter2"), 500);
    assertThat(problem.status()).isEqualTo(500);
    assertThat(problem.toJson("/x", "r-1").encode()).doesNotContain("hunter2").contains("r-1");
    Problem bug =
        ProblemHandler.toProblem(new IllegalArgumentException("Invalid UUID string: hunter2"), -1);
    assertThat(bug.status())
        .as("an IllegalArgumentException is a bug, not bad input")
        .isEqualTo(500);
    assertThat(bug.toJson("/x", "r-2").encode()).doesNotContain("hunter2").doesNotContain("UUID");
  }

  @Test
  @DisplayName("a store's refusal is answered as its handler decides; one no handler maps is a bug")
  void refusalsAreAnsweredByHandlers() {
    Refusal refusal = new Shortage();
    Problem answered = Problem.refused(refusal, 409, "short", "Short");
    assertThat(answered.toJson("/x", "r-1").getMap())
        .containsEntry("status", 409)
        .containsEntry("type", "https://stockroom.dev/problems/short")
        .containsEntry("detail", "2 short of sku-1");
    assertThat(answered.toJson("/x", "r-1").getJsonArray("shortfall").getJsonObject(0).getMap())
        .containsEntry("sku", "sku-1");
    Problem unmapped = ProblemHandler.toProblem(refusal, -1);
    assertThat(unmapped.status()).isEqualTo(500);
    assertThat(unmapped.toJson("/x", "r-1").encode()).doesNotContain("sku-1");
  }

  /** A feature's refusal, as a store would fail with it. */
  private static final class Shortage extends Refusal {
    enum Reason {
      SHORT
    }

    Shortage() {
      super(Reason.SHORT, "2 short of sku-1", Map.of("shortfall", List.of(Map.of("sku", "sku-1"))));
    }

    @Override
    public Reason reason() {
      return (Reason) super.reason();
    }
  }

  @Test
  @DisplayName("a full database wait queue is a 503 problem (back-pressure), not a 500")
  void overloadIs503() {
    Problem problem =
        ProblemHandler.toProblem(
            new io.vertx.core.http.ConnectionPoolTooBusyException("max wait queue size of 512"),
            500);
    assertThat(problem.status()).isEqualTo(503);
    assertThat(
            ProblemHandler.toProblem(
                    new io.vertx.core.VertxException("Timeout waiting for connection", true), 500)
                .status())
        .as("no connection within the pool's connection timeout")
        .isEqualTo(503);
  }

  @Test
  @DisplayName("refusals under overload are summed up in one warning per interval, not logged each")
  void overloadIsLoggedAsASummary() {
    Logger logger = (Logger) LoggerFactory.getLogger(OverloadLog.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try {
      AtomicLong clock = new AtomicLong();
      OverloadLog overload = new OverloadLog(200, clock::get);
      for (int i = 0; i < 1000; i++) {
        overload.refused("pool full");
      }
      assertThat(logged.list).as("nothing logged within the interval").isEmpty();
      clock.addAndGet(250_000_000);
      overload.refused("pool full");
      assertThat(logged.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .as("one summary covers all 1001")
          .containsExactly(
              "1001 request(s) refused with 503 in the last 0 s (pool full, the latest)");

      for (int i = 0; i < 481; i++) {
        overload.refused("pool full");
      }
      overload.flush();
      assertThat(logged.list).as("not yet: the interval has not passed").hasSize(1);
      clock.addAndGet(250_000_000);
      overload.flush();
      assertThat(logged.list)
          .as("the burst's tail is logged with no refusal after it")
          .hasSize(2)
          .last()
          .extracting(ILoggingEvent::getFormattedMessage)
          .asString()
          .startsWith("481 request(s) refused");
    } finally {
      logger.detachAppender(logged);
    }
  }

  private JsonObject assertProblem(Reply reply, int status) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    JsonObject problem = reply.json();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    assertThat(problem.encode()).doesNotContain("Exception").doesNotContain("\tat ");
    return problem;
  }

  private long countThings() {
    return TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM things");
  }
}
