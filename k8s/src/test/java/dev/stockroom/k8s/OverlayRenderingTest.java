package dev.stockroom.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Overlays")
class OverlayRenderingTest {
  static Stream<String> overlays() {
    return Stream.concat(K8sTree.APP_OVERLAYS.stream(), K8sTree.INFRA_OVERLAYS.stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  @DisplayName(
      "kubectl kustomize renders each overlay to complete objects: typed ones with no unknown"
          + " field, custom resources valid against their operator's CRD schema, each namespaced"
          + " object in the overlay's namespace, no two objects with one name")
  void rendersToCompleteObjects(String overlay) {
    Rendered rendered = Rendered.of(overlay);
    assertThat(rendered.objects).isNotEmpty();
    List<String> problems = new ArrayList<>();
    Set<String> ids = new java.util.HashSet<>();
    for (ObjectNode o : rendered.objects) {
      String id = o.path("kind").asText() + "/" + o.path("metadata").path("name").asText();
      if (!ids.add(id)) {
        problems.add(id + " twice");
      }
      if (o.has("$patch")) {
        problems.add(id + ": a patch directive left in the output");
      }
      ObjectCheck.problems(o, false).forEach(e -> problems.add(id + e));
      if (o.path("metadata").path("namespace").asText().isEmpty()) {
        problems.add(id + ": no namespace (the overlay must set one)");
      }
    }
    assertThat(problems).as(overlay).isEmpty();
  }
}
