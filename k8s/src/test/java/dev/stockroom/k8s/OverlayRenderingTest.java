package dev.stockroom.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
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
      "each overlay renders to complete objects: typed ones with no unknown field, custom resources"
          + " with their operator's required structure, no two objects with one name")
  void rendersToCompleteObjects(String overlay) {
    Rendered rendered = Rendered.of(overlay);
    assertThat(rendered.objects).isNotEmpty();
    List<String> problems = new ArrayList<>();
    Set<String> ids = new java.util.HashSet<>();
    for (ObjectNode o : rendered.objects) {
      String kind = o.path("kind").asText();
      String id = kind + "/" + o.path("metadata").path("name").asText();
      if (!ids.add(id)) {
        problems.add(id + " twice");
      }
      if (o.has("$patch")) {
        problems.add(id + ": a patch directive left in the output");
      }
      Shapes.Shape shape = Shapes.CUSTOM.get(kind);
      if (shape != null) {
        Shapes.check(shape, o, false).forEach(e -> problems.add(id + e));
        continue;
      }
      Class<? extends KubernetesResource> type =
          Rendered.SERIALIZATION.getRegisteredKubernetesResource(
              o.path("apiVersion").asText(), kind);
      if (type == null) {
        problems.add(id + ": unknown type " + o.path("apiVersion").asText());
        continue;
      }
      UnknownFields.of(Rendered.SERIALIZATION.convertValue(o, type), Set.of())
          .forEach(f -> problems.add(id + ": unknown field " + f));
      if (o.path("metadata").path("namespace").asText().isEmpty()) {
        problems.add(id + ": no namespace (the overlay must set one)");
      }
    }
    assertThat(problems).as(overlay).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  @DisplayName(
      "kubectl kustomize renders each overlay to the same objects as the offline renderer"
          + " (skipped when kubectl is not on the PATH)")
  void kubectlRendersTheSame(String overlay) throws Exception {
    Optional<Path> kubectl = Kustomize.kubectl();
    if (kubectl.isEmpty()) {
      System.out.println(
          "kubectl is not on the PATH: skipped `kubectl kustomize k8s/" + overlay + "`");
    }
    Assumptions.assumeTrue(
        kubectl.isPresent(), "kubectl is not on the PATH: skipped kubectl kustomize " + overlay);
    Map<String, JsonNode> expected =
        Kustomize.normalized(Kustomize.kubectl(kubectl.get(), K8sTree.K8S.resolve(overlay)));
    Map<String, JsonNode> actual = Kustomize.normalized(Rendered.of(overlay).objects);
    assertThat(actual.keySet()).as("objects").isEqualTo(expected.keySet());
    for (String id : expected.keySet()) {
      assertThat(actual.get(id)).as("%s as kubectl renders it", id).isEqualTo(expected.get(id));
    }
  }
}
