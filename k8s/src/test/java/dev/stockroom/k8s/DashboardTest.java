package dev.stockroom.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard ConfigMap: valid JSON, for the sidecar, reading published metrics. */
@DisplayName("The Grafana dashboard")
class DashboardTest {
  private static final Path FILE = K8sTree.K8S.resolve("monitoring/dashboard.yaml");

  private static JsonObject dashboard() {
    var configMap = K8sTree.docs(FILE).get(0).node();
    assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText())
        .as("the label Grafana's sidecar looks for")
        .isEqualTo("1");
    return new JsonObject(configMap.path("data").path("stockroom.json").asText());
  }

  @Test
  @DisplayName(
      "a row per service and one for the pipeline (that every panel's query has data on the"
          + " services' real metrics is checked by the launcher's PrometheusTest)")
  void panelsReadPublishedMetrics() {
    JsonObject dashboard = dashboard();
    List<String> rows = new ArrayList<>();
    dashboard.getJsonArray("panels").stream()
        .map(JsonObject.class::cast)
        .filter(p -> p.getString("type").equals("row"))
        .forEach(p -> rows.add(p.getString("title")));
    assertThat(rows)
        .startsWith("users", "inventory", "orders")
        .anyMatch(r -> r.startsWith("pipeline"));
  }
}
