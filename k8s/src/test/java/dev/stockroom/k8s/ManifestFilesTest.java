package dev.stockroom.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

@DisplayName("Manifest files")
class ManifestFilesTest {
  /** Files applied on their own, not through a kustomization. */
  private static final Set<String> STAND_ALONE =
      Set.of(
          "secrets/secrets.example.yaml",
          "monitoring/podmonitor.yaml",
          "monitoring/prometheusrule.yaml",
          "monitoring/dashboard.yaml");

  private static boolean isKustomization(Path file) {
    return file.getFileName().toString().equals("kustomization.yaml");
  }

  /** Patch files named by a kustomization: partial objects, checked as such. */
  private static Set<Path> patchFiles() {
    Set<Path> patches = new HashSet<>();
    for (Path k :
        K8sTree.yamlFiles().stream().filter(ManifestFilesTest::isKustomization).toList()) {
      for (JsonNode patch : K8sTree.docs(k).get(0).node().path("patches")) {
        if (patch.has("path")) {
          patches.add(k.getParent().resolve(patch.get("path").asText()).normalize());
        }
      }
    }
    return patches;
  }

  /** Every object document: resources, patch files and the patches written inline. */
  private static List<K8sTree.Doc> objectDocs() {
    List<K8sTree.Doc> docs = new ArrayList<>();
    for (Path file : K8sTree.yamlFiles()) {
      if (isKustomization(file)) {
        for (JsonNode patch : K8sTree.docs(file).get(0).node().path("patches")) {
          // A JSON 6902 patch (a list of operations) is no object: kubectl kustomize refuses
          // one whose path does not exist when the overlay is rendered.
          if (patch.has("patch") && !patch.get("patch").asText().strip().startsWith("- op:")) {
            docs.addAll(K8sTree.docs(file, patch.get("patch").asText()));
          }
        }
      } else {
        docs.addAll(K8sTree.docs(file));
      }
    }
    return docs;
  }

  private static boolean isPatch(K8sTree.Doc doc, Set<Path> patchFiles) {
    return patchFiles.contains(doc.file()) || isKustomization(doc.file());
  }

  @TestFactory
  @DisplayName(
      "every object and patch in every file is valid as written: typed kinds with no unknown or"
          + " misspelled field, Strimzi and CloudNativePG resources against their CRD schema")
  Stream<DynamicTest> everyObjectIsValid() {
    Set<Path> patches = patchFiles();
    return objectDocs().stream()
        .map(
            doc ->
                DynamicTest.dynamicTest(
                    doc.where() + ": " + doc.kind() + " " + doc.name(),
                    () -> {
                      assertThat(ObjectCheck.problems(doc.node(), isPatch(doc, patches)))
                          .as(doc.where())
                          .isEmpty();
                      assertThat(doc.name()).as("%s: metadata.name", doc.where()).isNotBlank();
                    }));
  }

  @Test
  @DisplayName(
      "kustomizations name files that exist (kubectl kustomize checks the rest when rendering)")
  void kustomizationsAreWellFormed() {
    List<String> problems = new ArrayList<>();
    for (Path k :
        K8sTree.yamlFiles().stream().filter(ManifestFilesTest::isKustomization).toList()) {
      JsonNode node = K8sTree.docs(k).get(0).node();
      for (JsonNode r : node.path("resources")) {
        if (!Files.exists(k.getParent().resolve(r.asText()))) {
          problems.add(k + ": resource " + r.asText() + " does not exist");
        }
      }
      for (JsonNode p : node.path("patches")) {
        if (p.has("path") == p.has("patch")) {
          problems.add(k + ": a patch has exactly one of path and patch");
        } else if (p.has("path") && !Files.exists(k.getParent().resolve(p.get("path").asText()))) {
          problems.add(k + ": patch " + p.get("path").asText() + " does not exist");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  @DisplayName(
      "every YAML file is a kustomization, is used by one, or is documented as applied alone")
  void noOrphanFiles() {
    Set<Path> used = new HashSet<>(patchFiles());
    for (Path k :
        K8sTree.yamlFiles().stream().filter(ManifestFilesTest::isKustomization).toList()) {
      for (JsonNode r : K8sTree.docs(k).get(0).node().path("resources")) {
        used.add(k.getParent().resolve(r.asText()).normalize());
      }
    }
    List<String> orphans =
        K8sTree.yamlFiles().stream()
            .filter(f -> !isKustomization(f) && !used.contains(f))
            .map(f -> K8sTree.K8S.relativize(f).toString())
            .filter(f -> !STAND_ALONE.contains(f))
            .toList();
    assertThat(orphans).as("files no overlay applies").isEmpty();
  }

  @Test
  @DisplayName(
      "labels, annotations, selectors, ConfigMap data and env values are YAML strings, as the API"
          + " server requires (8081 or true unquoted would be refused)")
  void stringsAreQuoted() {
    List<String> problems = new ArrayList<>();
    for (K8sTree.Doc doc : objectDocs()) {
      walkStrings(doc.node(), "", doc.kind(), problems, doc.where());
    }
    assertThat(problems).isEmpty();
  }

  private static final Set<String> STRING_MAPS =
      Set.of("labels", "annotations", "matchLabels", "nodeSelector", "stringData");

  private static void walkStrings(
      JsonNode node, String path, String kind, List<String> problems, String where) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                String key = e.getKey();
                boolean stringMap =
                    STRING_MAPS.contains(key)
                        || (key.equals("data") && kind.equals("ConfigMap") && path.isEmpty());
                if (stringMap && e.getValue().isObject()) {
                  e.getValue()
                      .fields()
                      .forEachRemaining(
                          v -> {
                            if (!v.getValue().isTextual()) {
                              problems.add(
                                  where
                                      + ": "
                                      + path
                                      + "."
                                      + key
                                      + "."
                                      + v.getKey()
                                      + " = "
                                      + v.getValue());
                            }
                          });
                } else if (key.equals("env") && e.getValue().isArray()) {
                  e.getValue()
                      .forEach(
                          env -> {
                            if (env.has("value") && !env.get("value").isTextual()) {
                              problems.add(
                                  where
                                      + ": env "
                                      + env.path("name").asText()
                                      + " = "
                                      + env.get("value"));
                            }
                          });
                } else {
                  walkStrings(e.getValue(), path + "." + key, kind, problems, where);
                }
              });
    } else if (node.isArray()) {
      node.forEach(i -> walkStrings(i, path + "[]", kind, problems, where));
    }
  }

  @Test
  @DisplayName(
      "no manifest carries a secret: Secrets exist only as the placeholder example, and the dev JWT"
          + " secret appears nowhere")
  void noSecretsInManifests() {
    String devSecret = dev.stockroom.common.auth.JwtConfig.DEV_SECRET;
    List<String> problems = new ArrayList<>();
    for (Path file : K8sTree.yamlFiles()) {
      if (K8sTree.read(file).contains(devSecret)) {
        problems.add(file + " contains the dev JWT secret");
      }
      String rel = K8sTree.K8S.relativize(file).toString();
      for (K8sTree.Doc doc : K8sTree.docs(file)) {
        if (doc.kind().equals("Secret") && !rel.equals("secrets/secrets.example.yaml")) {
          problems.add(doc.where() + ": a Secret in the manifests");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  @DisplayName("create-secrets.sh creates every Secret and key of secrets.example.yaml")
  void secretScriptMatchesTheContract() {
    String script = K8sTree.read(K8sTree.K8S.resolve("secrets/create-secrets.sh"));
    List<String> missing = new ArrayList<>();
    Rendered.secretContract()
        .forEach(
            (name, secret) -> {
              if (!script.contains(name)) {
                missing.add(name);
              }
              Set<String> keys = new HashSet<>();
              if (secret.getStringData() != null) {
                keys.addAll(secret.getStringData().keySet());
              }
              for (String key : keys) {
                if (!script.contains("--from-literal=" + key + "=")
                    && !script.contains("--from-file=" + key + "=")) {
                  missing.add(name + "/" + key);
                }
              }
              if (secret.getType() != null && !secret.getType().equals("Opaque")) {
                assertThat(script).contains("--type=" + secret.getType());
              }
            });
    assertThat(missing).as("secrets or keys the script does not create").isEmpty();
  }

  @Test
  @DisplayName(
      "the token issuer's private key is in no Secret: whoever reads Secrets in the namespace"
          + " could mint an admin with it")
  void issuerKeyStaysOutOfTheCluster() {
    assertThat(Rendered.secretContract().get("stockroom-jwt").getStringData().keySet())
        .containsExactly("public.pem");
    String script = K8sTree.read(K8sTree.K8S.resolve("secrets/create-secrets.sh"));
    String jwt =
        script.substring(script.indexOf("jwt_secret() {"), script.indexOf("service_keys() {"));
    assertThat(jwt).doesNotContain("--from-file=private.pem").contains("umask 077");
  }

  @Test
  @DisplayName("k8s/README.md names only files and directories that exist")
  void readmePathsExist() {
    String readme = K8sTree.read(K8sTree.K8S.resolve("README.md"));
    Matcher m = Pattern.compile("\\bk8s/([\\w./-]+[\\w/])").matcher(readme);
    List<String> missing = new ArrayList<>();
    while (m.find()) {
      if (!Files.exists(K8sTree.K8S.resolve(m.group(1)))) {
        missing.add("k8s/" + m.group(1));
      }
    }
    assertThat(missing).isEmpty();
    for (String overlay :
        Stream.concat(K8sTree.APP_OVERLAYS.stream(), K8sTree.INFRA_OVERLAYS.stream()).toList()) {
      assertThat(readme).as("README explains %s", overlay).contains("k8s/" + overlay);
    }
  }
}
