package dev.stockroom.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the API server would refuse or silently drop in one object: a built-in or Prometheus
 * Operator kind is parsed as its fabric8 typed model and must leave no unknown field; a Strimzi or
 * CloudNativePG kind must satisfy its published CRD schema ({@link CrdSchemas}). Patches are
 * partial objects: nothing is required of them.
 */
final class ObjectCheck {
  private ObjectCheck() {}

  static List<String> problems(JsonNode object, boolean patch) {
    String kind = object.path("kind").asText();
    String apiVersion = object.path("apiVersion").asText();
    List<String> problems = new ArrayList<>();
    if (CrdSchemas.covers(kind)) {
      problems.addAll(CrdSchemas.errors(object, patch));
      ObjectMeta metadata =
          Rendered.SERIALIZATION.convertValue(object.path("metadata"), ObjectMeta.class);
      UnknownFields.of(metadata, Set.of())
          .forEach(f -> problems.add(".metadata." + f + ": unknown"));
      // Not in the schema, but the operator ignores a resource without it.
      if (!patch
          && apiVersion.startsWith("kafka.strimzi.io/")
          && !kind.equals("Kafka")
          && !object.path("metadata").path("labels").has("strimzi.io/cluster")) {
        problems.add(".metadata.labels: strimzi.io/cluster is required");
      }
      return problems;
    }
    Class<? extends KubernetesResource> type =
        Rendered.SERIALIZATION.getRegisteredKubernetesResource(apiVersion, kind);
    if (type == null) {
      problems.add(": " + apiVersion + " " + kind + " is neither a typed model nor a known CRD");
      return problems;
    }
    UnknownFields.of(Rendered.SERIALIZATION.convertValue(object, type), Set.of("$patch"))
        .forEach(f -> problems.add(": " + type.getSimpleName() + " has no field " + f));
    return problems;
  }
}
