package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FreePorts;
import dev.stockroom.common.testing.TestHttp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The alert rules and the dashboard against a real Prometheus (Debian's {@code prometheus}, which
 * {@code .ci/run} installs with promtool) scraping the whole local system: every dashboard query
 * returns data, and with the broker stopped the freshness and outbox alerts go pending. The alert
 * thresholds are scaled from minutes to seconds here (promtool's unit tests check the real ones);
 * what this adds is that each expression works on the metrics the services really publish.
 */
class PrometheusTest {
  private static final Path MONITORING = Path.of("..", "k8s", "monitoring");
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir Path data;
  @TempDir Path prometheusDir;

  @Test
  void dashboardQueriesAndAlertsWorkOnTheRealMetrics() throws Exception {
    int[] ports = FreePorts.next(4);
    LauncherOptions options =
        new LauncherOptions(
            false,
            false,
            data,
            new LauncherOptions.Ports(0, 0, ports[0], ports[1], ports[2], 0),
            Map.of("HTTP_INSTANCES", "1"));
    DevSession session = DevSession.start(options, Progress.silent());
    Process prometheus = null;
    try {
      prometheus = startPrometheus(ports[3], List.of(ports[0], ports[1], ports[2]));
      String api = "http://localhost:" + ports[3];
      Eventually.assertWithin(
          Duration.ofSeconds(60), () -> assertThat(query(api, "up").size()).isEqualTo(3));

      // Traffic, so that rates and latency histograms have samples.
      TestHttp users = new TestHttp(ports[0]);
      String admin = session.token("admin");
      TestHttp.Reply created =
          users.post(
              "/users",
              admin,
              new JsonObject().put("name", "Prom Etheus").put("email", "prom@example.com"));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String userId = created.json().getString("id");
      for (int i = 0; i < 5; i++) {
        new TestHttp(ports[1]).get("/items/low-stock", session.token("stocker"));
      }

      // Every metric says what it counts (promtool's lint: "no help text" on six before).
      for (int port : new int[] {ports[0], ports[1], ports[2]}) {
        assertThat(helpless(new TestHttp(port).get("/metrics", null).body()))
            .as("metrics of :" + port + " without # HELP")
            .isEmpty();
      }

      List<String> queries = dashboardQueries();
      assertThat(queries).hasSizeGreaterThan(10);
      haveData(api, queries, "dashboard queries without data");
      // Every alert's expression without its threshold has data: each metric it reads is one the
      // services really publish, under that name and those labels (a renamed metric would leave
      // its alert silent forever, and no unit test of the rule would notice).
      List<String> measured = alertMeasures();
      assertThat(measured).hasSizeGreaterThan(5);
      haveData(api, measured, "alert expressions without data");

      session.system().infrastructure().kafka().stop();
      // A change that cannot leave the outbox while the broker is away.
      users.patch(
          "/users/" + userId, admin, new JsonObject().put("name", "Prom Renamed"), Map.of());
      Eventually.assertWithin(
          Duration.ofSeconds(90),
          () -> assertThat(alerts(api)).contains("StockroomOutboxStuck", "StockroomReplicaStale"));
    } finally {
      if (prometheus != null) {
        prometheus.destroy();
        prometheus.waitFor(10, TimeUnit.SECONDS);
      }
      // Stopped with the broker away, each relay waits out its send (about 10 s a service).
      session.system().infrastructure().kafka().restart();
      session.close();
    }
  }

  /** promtool's lint of a scrape, the lines that name a metric without help text. */
  private static List<String> helpless(String metrics) throws Exception {
    Process lint =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (var in = lint.getOutputStream()) {
      in.write(metrics.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String said =
        new String(lint.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(lint.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return said.lines().filter(l -> l.contains("no help text")).toList();
  }

  private Process startPrometheus(int port, List<Integer> targets) throws IOException {
    Path rules = prometheusDir.resolve("rules.yaml");
    Files.writeString(rules, scaledRules());
    List<String> addresses = targets.stream().map(p -> "localhost:" + p).toList();
    String config =
        new Yaml()
            .dump(
                Map.of(
                    "global",
                    Map.of("scrape_interval", "1s", "evaluation_interval", "1s"),
                    "rule_files",
                    List.of(rules.toString()),
                    "scrape_configs",
                    List.of(
                        Map.of(
                            "job_name",
                            "stockroom",
                            "metrics_path",
                            "/metrics",
                            "static_configs",
                            List.of(Map.of("targets", addresses))))));
    Path file = prometheusDir.resolve("prometheus.yml");
    Files.writeString(file, config);
    return new ProcessBuilder(
            "prometheus",
            "--config.file=" + file,
            "--storage.tsdb.path=" + prometheusDir.resolve("tsdb"),
            "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true)
        .redirectOutput(prometheusDir.resolve("prometheus.log").toFile())
        .start();
  }

  /** The PrometheusRule's groups as a rules file, thresholds of minutes scaled to seconds. */
  @SuppressWarnings("unchecked")
  private static String scaledRules() throws IOException {
    Map<String, Object> rule =
        new Yaml().load(Files.readString(MONITORING.resolve("prometheusrule.yaml")));
    Map<String, Object> spec = (Map<String, Object>) rule.get("spec");
    String groups = new Yaml().dump(Map.of("groups", spec.get("groups")));
    assertThat(groups).contains("(replica_freshness_bound_seconds) > 900");
    assertThat(groups).contains("(outbox_oldest_unpublished_seconds) > 60");
    return groups
        .replace("(replica_freshness_bound_seconds) > 900", "(replica_freshness_bound_seconds) > 5")
        .replace(
            "(outbox_oldest_unpublished_seconds) > 60", "(outbox_oldest_unpublished_seconds) > 5");
  }

  /** Within a minute, every query returns at least one series. */
  private static void haveData(String api, List<String> queries, String what) {
    Eventually.assertWithin(
        Duration.ofSeconds(60),
        () ->
            assertThat(queries.stream().filter(q -> query(api, q).isEmpty()).toList())
                .as(what)
                .isEmpty());
  }

  /** Each alert's expression up to its comparison with a constant ("… > 900" → "…"). */
  @SuppressWarnings("unchecked")
  private static List<String> alertMeasures() throws IOException {
    Map<String, Object> rule =
        new Yaml().load(Files.readString(MONITORING.resolve("prometheusrule.yaml")));
    Map<String, Object> spec = (Map<String, Object>) rule.get("spec");
    Pattern threshold =
        Pattern.compile("^(.*?)\\s*(==|!=|>=|<=|>|<)\\s*[0-9.]+\\s*$", Pattern.DOTALL);
    List<String> measures = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) spec.get("groups")) {
      for (Map<String, Object> alert : (List<Map<String, Object>>) group.get("rules")) {
        String expr = String.valueOf(alert.get("expr")).strip();
        Matcher m = threshold.matcher(expr);
        assertThat(m.matches()).as("alert expression compared with a constant: %s", expr).isTrue();
        measures.add(m.group(1));
      }
    }
    return measures;
  }

  @SuppressWarnings("unchecked")
  private static List<String> dashboardQueries() throws IOException {
    Map<String, Object> configMap =
        new Yaml().load(Files.readString(MONITORING.resolve("dashboard.yaml")));
    Map<String, String> files = (Map<String, String>) configMap.get("data");
    List<String> queries = new ArrayList<>();
    for (String json : files.values()) {
      for (Object panel : new JsonObject(json).getJsonArray("panels")) {
        JsonArray targets = ((JsonObject) panel).getJsonArray("targets", new JsonArray());
        for (Object target : targets) {
          queries.add(((JsonObject) target).getString("expr"));
        }
      }
    }
    return queries;
  }

  private static JsonArray query(String api, String promql) {
    JsonObject answer =
        get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    assertThat(answer.getString("status")).as(promql).isEqualTo("success");
    return answer.getJsonObject("data").getJsonArray("result");
  }

  /** Names of the alerts pending or firing. */
  private static Set<String> alerts(String api) {
    Set<String> names = new TreeSet<>();
    for (Object alert : get(api + "/api/v1/alerts").getJsonObject("data").getJsonArray("alerts")) {
      names.add(((JsonObject) alert).getJsonObject("labels").getString("alertname"));
    }
    return names;
  }

  private static JsonObject get(String url) {
    try {
      HttpResponse<String> response =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new JsonObject(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("Prometheus at " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
