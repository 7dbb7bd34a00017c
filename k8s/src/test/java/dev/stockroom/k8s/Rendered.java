package dev.stockroom.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** One rendered overlay: its objects, typed on demand. */
final class Rendered {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

  final String overlay;
  final List<ObjectNode> objects;

  private Rendered(String overlay, List<ObjectNode> objects) {
    this.overlay = overlay;
    this.objects = objects;
  }

  /** An overlay (a path under k8s/) as {@code kubectl kustomize} renders it. */
  static Rendered of(String overlay) {
    return CACHE.computeIfAbsent(
        overlay, o -> new Rendered(o, Kubectl.kustomize(K8sTree.K8S.resolve(o))));
  }

  /** The infrastructure overlay an app overlay runs with, if it uses in-cluster infrastructure. */
  static Optional<Rendered> infraFor(String overlay) {
    String infra = overlay.replace("overlays/", "infra/");
    return K8sTree.INFRA_OVERLAYS.contains(infra) ? Optional.of(of(infra)) : Optional.empty();
  }

  <T> List<T> all(String kind, Class<T> type) {
    List<T> found = new ArrayList<>();
    for (ObjectNode o : objects) {
      if (o.path("kind").asText().equals(kind)) {
        found.add(SERIALIZATION.convertValue(o, type));
      }
    }
    return found;
  }

  <T> Optional<T> find(String kind, String name, Class<T> type) {
    return raw(kind, name).map(o -> SERIALIZATION.convertValue(o, type));
  }

  Optional<ObjectNode> raw(String kind, String name) {
    return objects.stream()
        .filter(o -> o.path("kind").asText().equals(kind))
        .filter(o -> o.path("metadata").path("name").asText().equals(name))
        .findFirst();
  }

  List<ObjectNode> raw(String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  Deployment deployment(String name) {
    return find("Deployment", name, Deployment.class)
        .orElseThrow(() -> new AssertionError(overlay + ": no Deployment " + name));
  }

  static Container container(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(d.getMetadata().getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container named " + d.getMetadata().getName()));
  }

  /**
   * The environment a container starts with: its envFrom ConfigMaps, then its env entries (which
   * win). Values from Secrets are shown as {@code secret:NAME/KEY}.
   */
  Map<String, String> environment(Deployment d) {
    Container c = container(d);
    Map<String, String> env = new LinkedHashMap<>();
    c.getEnvFrom()
        .forEach(
            from -> {
              if (from.getConfigMapRef() != null) {
                find("ConfigMap", from.getConfigMapRef().getName(), ConfigMap.class)
                    .ifPresent(cm -> env.putAll(cm.getData()));
              }
            });
    c.getEnv()
        .forEach(
            e -> {
              if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                var ref = e.getValueFrom().getSecretKeyRef();
                env.put(e.getName(), "secret:" + ref.getName() + "/" + ref.getKey());
              } else if (e.getValueFrom() != null
                  && e.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = e.getValueFrom().getConfigMapKeyRef();
                env.put(
                    e.getName(),
                    find("ConfigMap", ref.getName(), ConfigMap.class)
                        .map(cm -> cm.getData().get(ref.getKey()))
                        .orElse(null));
              } else {
                env.put(e.getName(), e.getValue());
              }
            });
    return env;
  }

  /** Whether a label selector selects a set of labels (matchLabels; no expressions used here). */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null
        || selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
      throw new AssertionError("only matchLabels selectors are expected: " + selector);
    }
    return labels != null && labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
  }

  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return labels != null && labels.entrySet().containsAll(selector.entrySet());
  }

  /** The Secrets the manifests expect, as k8s/secrets/secrets.example.yaml declares them. */
  static Map<String, Secret> secretContract() {
    Map<String, Secret> secrets = new LinkedHashMap<>();
    Path file = K8sTree.K8S.resolve("secrets/secrets.example.yaml");
    for (K8sTree.Doc doc : K8sTree.docs(file)) {
      Secret s = SERIALIZATION.convertValue(doc.node(), Secret.class);
      secrets.put(s.getMetadata().getName(), s);
    }
    return secrets;
  }

  /**
   * The Secrets an app overlay's pods may reference: the example's, plus those its in-cluster
   * infrastructure's operators make — Strimzi a Secret per KafkaUser ({@code password}) and the
   * cluster CA ({@code <cluster>-cluster-ca-cert}, {@code ca.crt}), CloudNativePG its CA ({@code
   * <cluster>-ca}, {@code ca.crt}).
   */
  static Map<String, Secret> secretContract(String overlay) {
    Map<String, Secret> secrets = secretContract();
    infraFor(overlay)
        .ifPresent(
            infra -> {
              infra
                  .raw("KafkaUser")
                  .forEach(
                      u -> secrets.put(name(u), made(name(u), "password", "sasl.jaas.config")));
              infra
                  .raw("Kafka")
                  .forEach(
                      k -> {
                        String ca = name(k) + "-cluster-ca-cert";
                        secrets.put(ca, made(ca, "ca.crt"));
                      });
              infra
                  .raw("Cluster")
                  .forEach(
                      c -> {
                        String ca = name(c) + "-ca";
                        secrets.put(ca, made(ca, "ca.crt"));
                      });
            });
    return secrets;
  }

  private static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  private static Secret made(String name, String... keys) {
    Secret secret = new Secret();
    secret.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    secret.getMetadata().setName(name);
    secret.setType("Opaque");
    Map<String, String> data = new LinkedHashMap<>();
    for (String key : keys) {
      data.put(key, "(made by the operator)");
    }
    secret.setStringData(data);
    return secret;
  }

  static JsonNode path(JsonNode node, String dotted) {
    JsonNode n = node;
    for (String part : dotted.split("\\.")) {
      n = n.path(part);
    }
    return n;
  }

  @Override
  public String toString() {
    return overlay;
  }
}
