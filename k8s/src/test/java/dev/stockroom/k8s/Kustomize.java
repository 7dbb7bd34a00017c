package dev.stockroom.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The part of kustomize these manifests use, so that every overlay can be checked without kubectl:
 * resources (files and directories), namespace, images, and strategic-merge patches (from a file or
 * inline, several documents each, {@code $patch: delete}). Anything else in a kustomization fails
 * loudly rather than being ignored. Where kubectl is installed, {@link #kubectl} renders the same
 * overlay and a test compares the two.
 */
final class Kustomize {
  static final Set<String> SUPPORTED_FIELDS =
      Set.of("apiVersion", "kind", "resources", "namespace", "images", "patches");

  /** Lists merged by key, as Kubernetes' strategic merge patch does for built-in kinds. */
  private static final Map<String, String> MERGE_KEYS =
      Map.of(
          "containers", "name",
          "initContainers", "name",
          "env", "name",
          "volumes", "name",
          "volumeMounts", "mountPath",
          "imagePullSecrets", "name",
          "topologySpreadConstraints", "topologyKey");

  private static final Set<String> CLUSTER_SCOPED =
      Set.of(
          "Namespace",
          "ClusterRole",
          "ClusterRoleBinding",
          "CustomResourceDefinition",
          "PersistentVolume",
          "StorageClass",
          "PriorityClass");

  private Kustomize() {}

  static List<ObjectNode> build(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    JsonNode kustomization = K8sTree.docs(file).get(0).node();
    kustomization
        .fieldNames()
        .forEachRemaining(
            field -> {
              if (!SUPPORTED_FIELDS.contains(field)) {
                throw new IllegalStateException(
                    file + ": '" + field + "' is not supported by the built-in renderer");
              }
            });
    List<ObjectNode> objects = new ArrayList<>();
    for (JsonNode resource : kustomization.path("resources")) {
      Path path = dir.resolve(resource.asText()).normalize();
      if (Files.isDirectory(path)) {
        objects.addAll(build(path));
      } else {
        K8sTree.docs(path).forEach(d -> objects.add(((ObjectNode) d.node()).deepCopy()));
      }
    }
    for (JsonNode patch : kustomization.path("patches")) {
      if (patch.has("target")) {
        throw new IllegalStateException(file + ": patch targets are not supported");
      }
      List<ObjectNode> docs =
          patch.has("path")
              ? K8sTree.docs(dir.resolve(patch.get("path").asText())).stream()
                  .map(d -> (ObjectNode) d.node())
                  .toList()
              : K8sTree.objects(patch.path("patch").asText());
      docs.forEach(doc -> applyPatch(objects, doc, file));
    }
    for (JsonNode image : kustomization.path("images")) {
      objects.forEach(o -> setImage(o, image));
    }
    if (kustomization.has("namespace")) {
      String namespace = kustomization.get("namespace").asText();
      for (ObjectNode o : objects) {
        if (!CLUSTER_SCOPED.contains(o.path("kind").asText())) {
          ((ObjectNode) o.get("metadata")).put("namespace", namespace);
        }
      }
    }
    return objects;
  }

  private static void applyPatch(List<ObjectNode> objects, ObjectNode patch, Path file) {
    String kind = patch.path("kind").asText();
    String name = patch.path("metadata").path("name").asText();
    int index = -1;
    for (int i = 0; i < objects.size(); i++) {
      if (objects.get(i).path("kind").asText().equals(kind)
          && objects.get(i).path("metadata").path("name").asText().equals(name)) {
        index = i;
      }
    }
    if (index < 0) {
      throw new IllegalStateException(file + ": patch for missing " + kind + "/" + name);
    }
    if ("delete".equals(patch.path("$patch").asText())) {
      objects.remove(index);
      return;
    }
    // Built-in kinds merge keyed lists (containers by name, ...); custom resources replace lists.
    String apiVersion = patch.path("apiVersion").asText();
    boolean builtIn = !apiVersion.contains(".") || apiVersion.contains(".k8s.io/");
    objects.set(index, (ObjectNode) merge(objects.get(index), patch, builtIn, ""));
  }

  /** A strategic merge: maps merge, null deletes, keyed lists of built-in kinds merge by key. */
  static JsonNode merge(JsonNode base, JsonNode patch, boolean builtIn, String field) {
    if (base instanceof ObjectNode b && patch instanceof ObjectNode p) {
      ObjectNode result = b.deepCopy();
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isNull()) {
          result.remove(e.getKey());
        } else {
          result.set(e.getKey(), merge(b.get(e.getKey()), e.getValue(), builtIn, e.getKey()));
        }
      }
      return result;
    }
    String key = MERGE_KEYS.get(field);
    if (builtIn && key != null && base instanceof ArrayNode b && patch instanceof ArrayNode p) {
      ArrayNode result = b.deepCopy();
      for (JsonNode item : p) {
        int at = -1;
        for (int i = 0; i < result.size(); i++) {
          if (result.get(i).path(key).equals(item.path(key))) {
            at = i;
          }
        }
        if (at >= 0) {
          result.set(at, merge(result.get(at), item, true, ""));
        } else {
          result.add(item.deepCopy());
        }
      }
      return result;
    }
    return patch.deepCopy();
  }

  private static void setImage(ObjectNode object, JsonNode image) {
    JsonNode podSpec = object.path("spec").path("template").path("spec");
    for (String list : List.of("containers", "initContainers")) {
      for (JsonNode c : podSpec.path(list)) {
        String ref = c.path("image").asText();
        String name = ref.replaceAll("[:@].*$", "");
        if (name.equals(image.path("name").asText())) {
          String newName = image.path("newName").asText(name);
          String tag = image.has("newTag") ? ":" + image.get("newTag").asText() : tagOf(ref);
          String digest = image.has("digest") ? "@" + image.get("digest").asText() : "";
          ((ObjectNode) c).put("image", newName + tag + digest);
        }
      }
    }
  }

  private static String tagOf(String ref) {
    String noDigest = ref.replaceAll("@.*$", "");
    int slash = noDigest.lastIndexOf('/');
    int colon = noDigest.lastIndexOf(':');
    return colon > slash ? noDigest.substring(colon) : "";
  }

  /** The kubectl executable on the PATH, if any. */
  static Optional<Path> kubectl() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** {@code kubectl kustomize DIR}: renders offline (it checks syntax, not the server). */
  static List<ObjectNode> kubectl(Path kubectl, Path dir) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
            .redirectErrorStream(false)
            .start();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(
          "kubectl kustomize " + dir + " failed: " + new String(err, StandardCharsets.UTF_8));
    }
    return K8sTree.objects(new String(out, StandardCharsets.UTF_8));
  }

  /** Objects by kind/namespace/name, with keyed lists sorted, for comparing two renderings. */
  static Map<String, JsonNode> normalized(List<ObjectNode> objects) {
    Map<String, JsonNode> byId = new TreeMap<>();
    for (ObjectNode o : objects) {
      String id =
          o.path("kind").asText()
              + "/"
              + o.path("metadata").path("namespace").asText()
              + "/"
              + o.path("metadata").path("name").asText();
      byId.put(id, sortNamedLists(o));
    }
    return byId;
  }

  private static JsonNode sortNamedLists(JsonNode node) {
    if (node instanceof ObjectNode o) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      o.fields().forEachRemaining(e -> copy.set(e.getKey(), sortNamedLists(e.getValue())));
      return copy;
    }
    if (node instanceof ArrayNode a) {
      List<JsonNode> items = new ArrayList<>();
      a.forEach(i -> items.add(sortNamedLists(i)));
      if (!items.isEmpty() && items.stream().allMatch(i -> i.has("name"))) {
        items.sort(Comparator.comparing(i -> i.get("name").asText()));
      }
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      items.forEach(copy::add);
      return copy;
    }
    return node;
  }
}
