package dev.stockroom.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The structure Stockroom relies on in custom resources that fabric8 has no typed model for
 * (Strimzi, CloudNativePG, the Prometheus Operator) and in kustomization files. Objects are closed:
 * a key the shape does not list is reported, like an unknown field of a typed model. Field names
 * follow the operators' API references (Strimzi 1.x {@code kafka.strimzi.io/v1}, CloudNativePG
 * {@code postgresql.cnpg.io/v1}, Prometheus Operator {@code monitoring.coreos.com/v1}); embedded
 * Kubernetes types (resources, affinity) are checked with their fabric8 classes.
 */
final class Shapes {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Checks a node; {@code partial} (patches) makes every field optional. */
  interface Shape {
    void check(JsonNode node, String path, boolean partial, List<String> errors);
  }

  record Field(String name, boolean required, Shape shape) {}

  static Field req(String name, Shape shape) {
    return new Field(name, true, shape);
  }

  static Field opt(String name, Shape shape) {
    return new Field(name, false, shape);
  }

  static Shape obj(Field... fields) {
    Map<String, Field> byName = new LinkedHashMap<>();
    for (Field f : fields) {
      byName.put(f.name(), f);
    }
    return (node, path, partial, errors) -> {
      if (!node.isObject()) {
        errors.add(path + ": expected a mapping");
        return;
      }
      node.fieldNames()
          .forEachRemaining(
              name -> {
                if (!byName.containsKey(name)) {
                  errors.add(path + "." + name + ": unknown field");
                }
              });
      for (Field f : byName.values()) {
        JsonNode value = node.get(f.name());
        if (value == null) {
          if (f.required() && !partial) {
            errors.add(path + "." + f.name() + ": required");
          }
        } else {
          f.shape().check(value, path + "." + f.name(), partial, errors);
        }
      }
    };
  }

  static Shape mapOf(Shape values) {
    return (node, path, partial, errors) -> {
      if (!node.isObject()) {
        errors.add(path + ": expected a mapping");
        return;
      }
      node.fields()
          .forEachRemaining(
              e -> values.check(e.getValue(), path + "." + e.getKey(), partial, errors));
    };
  }

  static Shape listOf(Shape items) {
    return (node, path, partial, errors) -> {
      if (!node.isArray() || node.isEmpty()) {
        errors.add(path + ": expected a non-empty list");
        return;
      }
      for (int i = 0; i < node.size(); i++) {
        items.check(node.get(i), path + "[" + i + "]", partial, errors);
      }
    };
  }

  static Shape str() {
    return (node, path, partial, errors) -> {
      if (!node.isTextual() || node.asText().isBlank()) {
        errors.add(path + ": expected a non-empty string");
      }
    };
  }

  static Shape oneOf(String... values) {
    Set<String> allowed = Set.of(values);
    return (node, path, partial, errors) -> {
      if (!node.isTextual() || !allowed.contains(node.asText())) {
        errors.add(path + ": expected one of " + allowed + ", got " + node);
      }
    };
  }

  static Shape integer(int min) {
    return (node, path, partial, errors) -> {
      if (!node.isIntegralNumber() || node.asInt() < min) {
        errors.add(path + ": expected a whole number >= " + min + ", got " + node);
      }
    };
  }

  static Shape bool() {
    return (node, path, partial, errors) -> {
      if (!node.isBoolean()) {
        errors.add(path + ": expected true or false, got " + node);
      }
    };
  }

  /** A Kafka or PostgreSQL setting: a string, number or boolean. */
  static Shape scalar() {
    return (node, path, partial, errors) -> {
      if (!node.isValueNode() || node.isNull()) {
        errors.add(path + ": expected a string, number or boolean");
      }
    };
  }

  /** A string holding a number, such as PostgreSQL parameters (CloudNativePG wants strings). */
  static Shape stringValue() {
    return (node, path, partial, errors) -> {
      if (!node.isTextual()) {
        errors.add(path + ": expected a quoted string, got " + node);
      }
    };
  }

  /** An embedded Kubernetes type: parsed with its fabric8 class, unknown fields reported. */
  static Shape typed(Class<?> type) {
    return (node, path, partial, errors) -> {
      try {
        Object value = SERIALIZATION.convertValue(node, type);
        UnknownFields.of(value, Set.of())
            .forEach(f -> errors.add(path + "." + f + ": unknown field"));
      } catch (RuntimeException e) {
        errors.add(path + ": not a " + type.getSimpleName() + ": " + e.getMessage());
      }
    };
  }

  static final Shape STRINGS = mapOf(stringValue());

  static final Shape METADATA =
      obj(
          req("name", str()),
          opt("namespace", str()),
          opt("labels", STRINGS),
          opt("annotations", STRINGS));

  /** Strimzi resources belong to a cluster through this label. */
  static final Shape STRIMZI_METADATA =
      (node, path, partial, errors) -> {
        METADATA.check(node, path, partial, errors);
        if (!partial && !node.path("labels").has("strimzi.io/cluster")) {
          errors.add(path + ".labels: strimzi.io/cluster is required");
        }
      };

  static Shape resource(String apiVersion, String kind, Shape metadata, Shape spec) {
    return obj(
        req("apiVersion", oneOf(apiVersion)),
        req("kind", oneOf(kind)),
        req("metadata", metadata),
        req("spec", spec));
  }

  private static final Shape RESOURCES = typed(ResourceRequirements.class);

  static final Shape KAFKA_NODE_POOL =
      resource(
          "kafka.strimzi.io/v1",
          "KafkaNodePool",
          STRIMZI_METADATA,
          obj(
              req("replicas", integer(1)),
              req("roles", listOf(oneOf("controller", "broker"))),
              req(
                  "storage",
                  obj(
                      req("type", oneOf("jbod", "persistent-claim", "ephemeral")),
                      opt(
                          "volumes",
                          listOf(
                              obj(
                                  req("id", integer(0)),
                                  req("type", oneOf("persistent-claim", "ephemeral")),
                                  opt("size", str()),
                                  opt("class", str()),
                                  opt("deleteClaim", bool()),
                                  opt("kraftMetadata", oneOf("shared"))))),
                      opt("size", str()),
                      opt("class", str()),
                      opt("deleteClaim", bool()),
                      opt("kraftMetadata", oneOf("shared")))),
              opt("resources", RESOURCES),
              opt("jvmOptions", obj(opt("-Xms", str()), opt("-Xmx", str()))),
              opt("template", obj(opt("pod", obj(opt("affinity", typed(Affinity.class))))))));

  static final Shape KAFKA =
      resource(
          "kafka.strimzi.io/v1",
          "Kafka",
          METADATA,
          obj(
              req(
                  "kafka",
                  obj(
                      opt("version", str()),
                      opt("metadataVersion", str()),
                      req(
                          "listeners",
                          listOf(
                              obj(
                                  req("name", str()),
                                  req("port", integer(9092)),
                                  req(
                                      "type",
                                      oneOf(
                                          "internal",
                                          "cluster-ip",
                                          "route",
                                          "loadbalancer",
                                          "nodeport",
                                          "ingress")),
                                  req("tls", bool()),
                                  opt(
                                      "authentication",
                                      obj(req("type", oneOf("scram-sha-512", "tls", "custom")))),
                                  opt(
                                      "networkPolicyPeers",
                                      listOf(typed(NetworkPolicyPeer.class)))))),
                      opt(
                          "authorization",
                          obj(req("type", oneOf("simple")), opt("superUsers", listOf(str())))),
                      opt("config", mapOf(scalar())))),
              opt("entityOperator", obj(opt("topicOperator", obj()), opt("userOperator", obj())))));

  static final Shape KAFKA_USER =
      resource(
          "kafka.strimzi.io/v1",
          "KafkaUser",
          STRIMZI_METADATA,
          obj(
              req("authentication", obj(req("type", oneOf("scram-sha-512", "tls")))),
              req(
                  "authorization",
                  obj(
                      req("type", oneOf("simple")),
                      req(
                          "acls",
                          listOf(
                              obj(
                                  req(
                                      "resource",
                                      obj(
                                          req(
                                              "type",
                                              oneOf(
                                                  "topic", "group", "cluster", "transactionalId")),
                                          opt("name", str()),
                                          opt("patternType", oneOf("literal", "prefix")))),
                                  req(
                                      "operations",
                                      listOf(
                                          oneOf(
                                              "Read",
                                              "Write",
                                              "Create",
                                              "Delete",
                                              "Alter",
                                              "Describe",
                                              "ClusterAction",
                                              "AlterConfigs",
                                              "DescribeConfigs",
                                              "IdempotentWrite",
                                              "All"))),
                                  opt("host", str()))))))));

  static final Shape KAFKA_TOPIC =
      resource(
          "kafka.strimzi.io/v1",
          "KafkaTopic",
          STRIMZI_METADATA,
          obj(
              opt("topicName", str()),
              opt("partitions", integer(1)),
              opt("replicas", integer(1)),
              opt("config", mapOf(scalar()))));

  static final Shape CNPG_CLUSTER =
      resource(
          "postgresql.cnpg.io/v1",
          "Cluster",
          METADATA,
          obj(
              req("instances", integer(1)),
              opt("imageName", str()),
              opt("primaryUpdateStrategy", oneOf("unsupervised", "supervised")),
              req("storage", obj(req("size", str()), opt("storageClass", str()))),
              opt("resources", RESOURCES),
              opt("postgresql", obj(opt("parameters", mapOf(stringValue())))),
              opt(
                  "bootstrap",
                  obj(
                      req(
                          "initdb",
                          obj(
                              req("database", str()),
                              req("owner", str()),
                              opt("secret", obj(req("name", str()))))))),
              opt(
                  "managed",
                  obj(
                      req(
                          "roles",
                          listOf(
                              obj(
                                  req("name", str()),
                                  opt("ensure", oneOf("present", "absent")),
                                  opt("login", bool()),
                                  opt("createdb", bool()),
                                  opt("passwordSecret", obj(req("name", str()))))))))));

  static final Shape CNPG_DATABASE =
      resource(
          "postgresql.cnpg.io/v1",
          "Database",
          METADATA,
          obj(
              req("cluster", obj(req("name", str()))),
              req("name", str()),
              req("owner", str()),
              opt("ensure", oneOf("present", "absent")),
              opt("databaseReclaimPolicy", oneOf("retain", "delete"))));

  static final Shape POD_MONITOR =
      resource(
          "monitoring.coreos.com/v1",
          "PodMonitor",
          METADATA,
          obj(
              req("selector", obj(req("matchLabels", STRINGS))),
              req(
                  "podMetricsEndpoints",
                  listOf(obj(req("port", str()), req("path", str()), opt("interval", str()))))));

  static final Shape PROMETHEUS_RULE =
      resource(
          "monitoring.coreos.com/v1",
          "PrometheusRule",
          METADATA,
          obj(
              req(
                  "groups",
                  listOf(
                      obj(
                          req("name", str()),
                          opt("interval", str()),
                          req(
                              "rules",
                              listOf(
                                  obj(
                                      opt("alert", str()),
                                      opt("record", str()),
                                      req("expr", str()),
                                      opt("for", str()),
                                      opt("labels", STRINGS),
                                      opt("annotations", STRINGS)))))))));

  static final Shape KUSTOMIZATION =
      obj(
          req("apiVersion", oneOf("kustomize.config.k8s.io/v1beta1")),
          req("kind", oneOf("Kustomization")),
          opt("namespace", str()),
          opt("resources", listOf(str())),
          opt(
              "images",
              listOf(obj(req("name", str()), opt("newName", str()), req("newTag", str())))),
          opt("patches", listOf(obj(opt("path", str()), opt("patch", str())))));

  /** Shapes of the custom resources by kind. */
  static final Map<String, Shape> CUSTOM =
      Map.of(
          "KafkaNodePool", KAFKA_NODE_POOL,
          "Kafka", KAFKA,
          "KafkaTopic", KAFKA_TOPIC,
          "KafkaUser", KAFKA_USER,
          "Cluster", CNPG_CLUSTER,
          "Database", CNPG_DATABASE,
          "PodMonitor", POD_MONITOR,
          "PrometheusRule", PROMETHEUS_RULE);

  static List<String> check(Shape shape, JsonNode node, boolean partial) {
    List<String> errors = new ArrayList<>();
    shape.check(node, "", partial, errors);
    return errors;
  }

  private Shapes() {}
}
