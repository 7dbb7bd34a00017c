package dev.stockroom.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts in k8s/monitoring/prometheusrule.yaml, checked by a real Prometheus rule engine:
 * promtool's unit tests (src/test/resources/promtool/alerts-test.yaml), a firing and a silent case
 * for every alert, and every metric an alert reads exists in the services' code.
 */
@DisplayName("Alerting rules")
class AlertRulesTest {
  private static final Path RULE = K8sTree.K8S.resolve("monitoring/prometheusrule.yaml");
  private static final Path TESTS =
      K8sTree.K8S.resolve("src/test/resources/promtool/alerts-test.yaml");

  @TempDir Path work;

  private static JsonNode spec() {
    return K8sTree.docs(RULE).get(0).node().path("spec");
  }

  private static List<JsonNode> alerts() {
    List<JsonNode> alerts = new ArrayList<>();
    spec()
        .path("groups")
        .forEach(
            g ->
                g.path("rules")
                    .forEach(
                        r -> {
                          if (r.has("alert")) {
                            alerts.add(r);
                          }
                        }));
    return alerts;
  }

  @Test
  @DisplayName("promtool's unit tests pass against the rules as the PrometheusRule ships them")
  void promtoolUnitTests() throws Exception {
    Path promtool =
        K8sTree.onPath("promtool")
            .orElseThrow(
                () ->
                    new AssertionError(
                        "promtool is needed for the alert tests: apt-get install prometheus"
                            + " (.ci/run installs it when missing)"));
    new YAMLMapper().writeValue(work.resolve("rules.yaml").toFile(), spec());
    Files.copy(TESTS, work.resolve("alerts-test.yaml"));

    Process run =
        new ProcessBuilder(promtool.toString(), "test", "rules", "alerts-test.yaml")
            .directory(work.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).as(output).isZero();
  }

  @Test
  @DisplayName("every alert has a case where it fires and one where it stays silent")
  void everyAlertTested() {
    JsonNode tests = K8sTree.docs(TESTS).get(0).node().path("tests");
    Set<String> firing = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    tests.forEach(
        t ->
            t.path("alert_rule_test")
                .forEach(
                    c ->
                        (c.path("exp_alerts").isEmpty() ? silent : firing)
                            .add(c.path("alertname").asText())));
    Set<String> names =
        new TreeSet<>(alerts().stream().map(a -> a.path("alert").asText()).toList());
    assertThat(names).isNotEmpty();
    assertThat(firing).as("alerts with a firing case").containsAll(names);
    assertThat(silent).as("alerts with a silent case").containsAll(names);
  }
}
