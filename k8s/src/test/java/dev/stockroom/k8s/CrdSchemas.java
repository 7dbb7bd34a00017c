package dev.stockroom.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The custom resources' own schemas: the CustomResourceDefinitions Strimzi and CloudNativePG
 * publish for the versions k8s/README.md installs ({@code src/test/resources/crds}, unmodified; its
 * README says where each comes from). An object is checked against its CRD's {@code v1} schema as
 * an API server with strict field validation would ({@code kubectl apply} since 1.27): unknown
 * fields are refused, not pruned. A patch is checked without {@code required}. The CEL rules
 * ({@code x-kubernetes-validations}) are not evaluated here.
 */
final class CrdSchemas {
  private static final Path DIR = K8sTree.K8S.resolve("src/test/resources/crds");

  private record Crd(String apiVersion, Validator whole, Validator patch) {}

  private static final Map<String, Crd> BY_KIND = load();

  private CrdSchemas() {}

  /** Whether a published schema covers this kind. */
  static boolean covers(String kind) {
    return BY_KIND.containsKey(kind);
  }

  /** What the schema refuses in an object (or, with {@code patch}, in a partial one). */
  static List<String> errors(JsonNode object, boolean patch) {
    String kind = object.path("kind").asText();
    Crd crd = BY_KIND.get(kind);
    List<String> errors = new ArrayList<>();
    if (!object.path("apiVersion").asText().equals(crd.apiVersion())) {
      errors.add(": apiVersion is not " + crd.apiVersion());
    }
    JsonObject instance = new JsonObject(K8sTree.yaml().convertValue(object, Map.class));
    OutputUnit result = (patch ? crd.patch() : crd.whole()).validate(instance);
    if (!Boolean.TRUE.equals(result.getValid())) {
      List<OutputUnit> units = result.getErrors() == null ? List.of(result) : result.getErrors();
      for (OutputUnit u : units) {
        errors.add(location(u.getInstanceLocation()) + ": " + u.getError());
      }
    }
    return errors;
  }

  private static String location(String pointer) {
    // "#/spec/replicas" -> ".spec.replicas", as the other checks name places
    return pointer == null ? "" : pointer.replaceFirst("^#", "").replace('/', '.');
  }

  private static Map<String, Crd> load() {
    Map<String, Crd> byKind = new HashMap<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        JsonNode crd = K8sTree.docs(file).get(0).node();
        String group = crd.path("spec").path("group").asText();
        JsonNode v1 = null;
        for (JsonNode version : crd.path("spec").path("versions")) {
          if (version.path("name").asText().equals("v1") && version.path("served").asBoolean()) {
            v1 = version.path("schema").path("openAPIV3Schema");
          }
        }
        if (v1 == null) {
          throw new IllegalStateException(file + ": no served v1 version");
        }
        JsonObject schema = new JsonObject(K8sTree.yaml().convertValue(v1, Map.class));
        byKind.put(
            crd.path("spec").path("names").path("kind").asText(),
            new Crd(
                group + "/v1",
                validator(strict(schema.copy(), false)),
                validator(strict(schema.copy(), true))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byKind;
  }

  private static Validator validator(JsonObject schema) {
    return Validator.create(
        JsonSchema.of(schema),
        new JsonSchemaOptions()
            .setDraft(Draft.DRAFT4)
            .setBaseUri("https://stockroom.dev/crds/")
            .setOutputFormat(OutputFormat.Basic));
  }

  /**
   * Closes every object schema that lists its properties (unless it preserves unknown fields), as
   * strict field validation does; for a patch, drops {@code required}.
   */
  private static JsonObject strict(JsonObject schema, boolean patch) {
    if (schema.containsKey("properties")
        && !schema.containsKey("additionalProperties")
        && !schema.getBoolean("x-kubernetes-preserve-unknown-fields", false)) {
      schema.put("additionalProperties", false);
    }
    if (patch) {
      schema.remove("required");
    }
    for (String key : List.copyOf(schema.fieldNames())) {
      Object value = schema.getValue(key);
      if (value instanceof JsonObject child) {
        if (key.equals("properties")) {
          child.fieldNames().forEach(p -> strict(child.getJsonObject(p), patch));
        } else {
          strict(child, patch);
        }
      } else if (value instanceof JsonArray items) {
        items.forEach(
            item -> {
              if (item instanceof JsonObject o) {
                strict(o, patch);
              }
            });
      }
    }
    return schema;
  }
}
