package dev.stockroom.inventory.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import dev.stockroom.inventory.ReportContract;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Reading the replica when things break")
class ReplicaOutageTest {
  private final String stocker = TestTokens.forRoles("reporter", "stocker");

  private List<JsonObject> stockers(TestHttp inventory, String query) {
    TestHttp.Reply report = inventory.get("/items/low-stock?below=1000&limit=200" + query, stocker);
    ReportContract.conforms(report);
    return report.array("items").stream()
        .map(JsonObject.class::cast)
        .filter(i -> i.getString("sku").startsWith("OUT-"))
        .map(i -> i.getJsonObject("lastStockedBy"))
        .toList();
  }

  @Test
  @DisplayName("maxStaleness=PT0S asks the owner on every request, in one call per request")
  void apiComposition() {
    try (ReplicaFixture system = new ReplicaFixture(Map.of())) {
      seed(system);
      stockers(system.inventoryHttp, "");
      long before = system.ownerListCalls();
      for (int i = 0; i < 3; i++) {
        List<JsonObject> by = stockers(system.inventoryHttp, "&maxStaleness=PT0S");
        assertThat(by)
            .hasSize(3)
            .allSatisfy(
                s ->
                    assertThat(s.getJsonObject("freshness").getString("source"))
                        .isEqualTo("owner"));
      }
      assertThat(system.ownerListCalls() - before).isEqualTo(3);
    }
  }

  @Test
  @DisplayName(
      "with freshness switched off for a benchmark, even PT0S is answered from the copy as it is"
          + " and the owner is never asked")
  void freshnessLayerOff() {
    try (ReplicaFixture system = new ReplicaFixture(Map.of("BENCH_LAYERS_OFF", "freshness"))) {
      seed(system);
      long before = system.ownerListCalls();
      // Until the events have reached the copy: before that, only the ids are known.
      Eventually.assertWithin(
          Duration.ofSeconds(30),
          () ->
              assertThat(stockers(system.inventoryHttp, "&maxStaleness=PT0S"))
                  .hasSize(3)
                  .allSatisfy(
                      s -> {
                        JsonObject freshness = s.getJsonObject("freshness");
                        assertThat(freshness.getString("source")).isEqualTo("replica");
                        assertThat(freshness.getBoolean("stale")).isFalse();
                        assertThat(s.getString("name")).startsWith("Outage Stocker");
                      }));
      assertThat(system.ownerListCalls()).isEqualTo(before);
    }
  }

  @Test
  @DisplayName(
      "with Kafka down the bound grows, the owner is asked once per request, and with the owner down too rows come back stale, fast")
  void kafkaThenOwnerDown() {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system =
            new ReplicaFixture(Map.of("REPLICA_FALLBACK_TIMEOUT", "PT0.25S"), kafka)) {
      seed(system);
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () ->
              assertThat(stockers(system.inventoryHttp, "&maxStaleness=PT2S"))
                  .allSatisfy(
                      s ->
                          assertThat(s.getJsonObject("freshness").getString("source"))
                              .isEqualTo("replica")));
      long callsWhileHealthy = system.ownerListCalls();
      stockers(system.inventoryHttp, "&maxStaleness=PT2S");
      assertThat(system.ownerListCalls())
          .as("a healthy pipeline needs no owner call")
          .isEqualTo(callsWhileHealthy);

      kafka.stop();
      awaitOlderThan(system, Duration.ofSeconds(2));
      long before = system.ownerListCalls();
      assertThat(stockers(system.inventoryHttp, "&maxStaleness=PT2S"))
          .allSatisfy(
              s -> assertThat(s.getJsonObject("freshness").getString("source")).isEqualTo("owner"));
      assertThat(system.ownerListCalls() - before)
          .as("one batched owner call for all three stockers")
          .isEqualTo(1);
      assertThat(stockers(system.inventoryHttp, "&maxStaleness=PT2S"))
          .as("the owner's answer was written back into the copy")
          .allSatisfy(
              s ->
                  assertThat(s.getJsonObject("freshness").getString("source"))
                      .isEqualTo("replica"));
      assertThat(system.ownerListCalls() - before).isEqualTo(1);

      awaitOlderThan(system, Duration.ofSeconds(2));
      TestServices.stop(system.users);
      for (int i = 0; i < 6; i++) {
        assertThat(stockers(system.inventoryHttp, "&maxStaleness=PT2S"))
            .allSatisfy(
                s -> {
                  assertThat(s.getString("name")).startsWith("Outage");
                  assertThat(s.getJsonObject("freshness").getBoolean("stale")).isTrue();
                });
      }
      // Fails fast: the open breaker refuses the call without trying it (no new failure). A
      // stopwatch here would measure the machine.
      double opened = calls(system, "open");
      double tried = calls(system, "failure");
      stockers(system.inventoryHttp, "&maxStaleness=PT2S");
      assertThat(calls(system, "open")).as("refused by the open breaker").isEqualTo(opened + 1);
      assertThat(calls(system, "failure")).as("not tried").isEqualTo(tried);
    }
  }

  @Test
  @DisplayName(
      "a stocker renamed at users while the copy lags is left out of a filter the new name does"
          + " not match, and the page still goes on")
  void filterCheckedOnTheNamesShown() {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of(), kafka)) {
      seed(system);
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () -> assertThat(stockers(system.inventoryHttp, "&stocker=Outage")).hasSize(3));
      kafka.stop();
      String renamed = stockerId(system, "OUT-0");
      TestHttp.Reply patch =
          system.usersHttp.patch(
              "/users/" + renamed,
              ReplicaFixture.ADMIN,
              new JsonObject().put("name", "Renamed Stocker"),
              Map.of());
      assertThat(patch.status()).as(patch.toString()).isEqualTo(200);

      // The query still selects OUT-0 (the first row) by its copied name; the owner's answer
      // names someone the filter did not ask for. Before, the page showed "Renamed Stocker" under
      // stocker=Outage. A page that left its row out still says where the next one starts.
      TestHttp.Reply first =
          ReportContract.conforms(
              system.inventoryHttp.get(
                  "/items/low-stock?below=1000&stocker=Outage&maxStaleness=PT0S&limit=1", stocker));
      assertThat(first.array("items")).isEmpty();
      assertThat(first.json().getString("next")).isNotNull();
      // The answer was written back: the copy has the new name, and the filter leaves OUT-0 out.
      assertThat(stockers(system.inventoryHttp, "&stocker=Outage&maxStaleness=PT0S"))
          .hasSize(2)
          .allSatisfy(
              s -> {
                assertThat(s.getString("name")).startsWith("Outage");
                assertThat(s.getJsonObject("freshness").getString("source")).isEqualTo("owner");
              });
    }
  }

  private String stockerId(ReplicaFixture system, String sku) {
    return system.inventoryHttp.get("/items/" + sku, stocker).json().getString("lastStockedBy");
  }

  /** inventory's calls to users with {@code outcome}, from its /metrics. */
  private static double calls(ReplicaFixture system, String outcome) {
    return system
        .inventoryHttp
        .get("/metrics", null)
        .body()
        .lines()
        .filter(l -> l.startsWith("downstream_calls_total{"))
        .filter(
            l -> l.contains("downstream=\"users\"") && l.contains("outcome=\"" + outcome + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  @DisplayName(
      "one circuit breaker per downstream per process: two HTTP instances open it together after"
          + " five failures in all")
  void oneBreakerPerProcess() throws Exception {
    try (ReplicaFixture system = new ReplicaFixture(Map.of("HTTP_INSTANCES", "2"))) {
      seed(system);
      TestServices.stop(system.users);
      for (int i = 0; i < 12; i++) {
        // A new client each time: a new connection, which Vert.x hands to the instances in turn.
        HttpClient fresh = HttpClient.newHttpClient();
        HttpResponse<String> report =
            fresh.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://localhost:"
                                + system.inventory.port()
                                + "/items/low-stock?below=1000&maxStaleness=PT0S"))
                    .header("Authorization", "Bearer " + stocker)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
      }
      String metrics = system.inventoryHttp.get("/metrics", null).body();
      assertThat(metrics)
          .containsPattern("circuit_breaker_state\\{[^}]*downstream=\"users\"[^}]*\\} 2\\.0")
          .containsPattern(
              "downstream_calls_total\\{[^}]*downstream=\"users\",outcome=\"failure\"[^}]*\\} 5\\.0")
          .containsPattern(
              "downstream_calls_total\\{[^}]*downstream=\"users\",outcome=\"open\"[^}]*\\} 7\\.0");
    }
  }

  @Test
  @DisplayName(
      "a request may ask for less freshness than REPLICA_TTL, never for more: maxStaleness past"
          + " it is held to it")
  void budgetAtMostTheTtl() {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
        ReplicaFixture system = new ReplicaFixture(Map.of("REPLICA_TTL", "PT1S"), kafka)) {
      seed(system);
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () -> assertThat(stockers(system.inventoryHttp, "&maxStaleness=PT1H")).hasSize(3));
      kafka.stop();
      TestServices.stop(system.users);
      // Older than the TTL with the owner away: stale, however much the request would accept.
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(stockers(system.inventoryHttp, "&maxStaleness=PT1H"))
                  .allSatisfy(
                      s -> assertThat(s.getJsonObject("freshness").getBoolean("stale")).isTrue()));
    }
  }

  /** Waits, reading with the default budget (no owner calls), until the copy is that old. */
  private void awaitOlderThan(ReplicaFixture system, Duration age) {
    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () ->
            assertThat(stockers(system.inventoryHttp, ""))
                .allSatisfy(
                    s ->
                        assertThat(Instant.parse(s.getJsonObject("freshness").getString("asOf")))
                            .isBefore(Instant.now().minus(age))));
  }

  private static void seed(ReplicaFixture system) {
    for (int i = 0; i < 3; i++) {
      String id = system.registerUser("Outage Stocker " + i).getString("id");
      system.createItem("OUT-" + i, 0);
      assertThat(system.restock("OUT-" + i, id, 1 + i).status()).isEqualTo(201);
    }
  }
}
