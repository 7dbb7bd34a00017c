package dev.stockroom.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockroom.k8s.CodeTopics.CodeTopic;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Strimzi and CloudNativePG resources, against the code and the app overlay they serve. */
@DisplayName("Kafka and PostgreSQL through their operators")
class InfrastructureTest {
  private static final Map<String, Integer> SESSIONS_OUTSIDE_THE_POOL =
      Map.of("users", 1, "inventory", 1, "orders", 2);

  private static final Set<String> SERVICES = ServiceFacts.all().keySet();

  static Stream<String> infraOverlays() {
    return K8sTree.INFRA_OVERLAYS.stream();
  }

  private static Rendered app(String infra) {
    return Rendered.of(infra.replace("infra/", "overlays/"));
  }

  private static int brokers(Rendered infra) {
    return infra.raw("KafkaNodePool").stream()
        .filter(p -> p.path("spec").path("roles").toString().contains("\"broker\""))
        .mapToInt(p -> p.path("spec").path("replicas").asInt())
        .sum();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("infraOverlays")
  @DisplayName(
      "KafkaTopics declare exactly the topics the code creates, with the code's cleanup policy,"
          + " retention and partition count")
  void topicsMatchTheCode(String overlay) {
    Rendered infra = Rendered.of(overlay);
    Rendered app = app(overlay);
    // The topics the code creates with each Deployment's environment (e.g. its partition count).
    List<CodeTopic> code = CodeTopics.topics(service -> app.environment(app.deployment(service)));
    assertThat(code)
        .extracting(t -> t.topic().name())
        .contains("users.v1", "orders.v1", "users.v1.inventory.dlq", "users.v1.orders.dlq");
    Map<String, ObjectNode> declared =
        infra.raw("KafkaTopic").stream()
            .collect(
                Collectors.toMap(
                    t ->
                        t.path("spec")
                            .path("topicName")
                            .asText(t.path("metadata").path("name").asText()),
                    t -> t));
    assertThat(declared.keySet())
        .containsExactlyInAnyOrderElementsOf(code.stream().map(t -> t.topic().name()).toList());
    String kafka = infra.raw("Kafka").get(0).path("metadata").path("name").asText();
    for (CodeTopic t : code) {
      JsonNode topic = declared.get(t.topic().name());
      assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText())
          .isEqualTo(kafka);
      JsonNode config = topic.path("spec").path("config");
      assertThat(config.path("cleanup.policy").asText())
          .as(t.topic().name())
          .isEqualTo(t.topic().config().get("cleanup.policy"));
      for (String setting : List.of("retention.ms", "delete.retention.ms")) {
        if (t.topic().config().containsKey(setting)) {
          assertThat(config.path(setting).asText())
              .as("%s %s", t.topic().name(), setting)
              .isEqualTo(t.topic().config().get(setting));
        }
      }
      assertThat(topic.path("spec").path("partitions").asInt())
          .as("%s partitions", t.topic().name())
          .isEqualTo(t.topic().partitions());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("infraOverlays")
  @DisplayName(
      "Kafka runs in KRaft mode on node pools with controller and broker roles (3 nodes in prod, 1 in"
          + " dev), with replication settings its brokers can satisfy")
  void kraftWithNodePools(String overlay) {
    Rendered infra = Rendered.of(overlay);
    List<ObjectNode> kafkas = infra.raw("Kafka");
    assertThat(kafkas).hasSize(1);
    String name = kafkas.get(0).path("metadata").path("name").asText();
    Set<String> roles = new TreeSet<>();
    int controllers = 0;
    for (ObjectNode pool : infra.raw("KafkaNodePool")) {
      assertThat(pool.path("metadata").path("labels").path("strimzi.io/cluster").asText())
          .isEqualTo(name);
      pool.path("spec").path("roles").forEach(role -> roles.add(role.asText()));
      if (pool.path("spec").path("roles").toString().contains("controller")) {
        controllers += pool.path("spec").path("replicas").asInt();
      }
    }
    assertThat(roles).containsExactly("broker", "controller");
    int brokers = brokers(infra);
    assertThat(brokers).isEqualTo(overlay.endsWith("prod") ? 3 : 1);
    assertThat(controllers % 2).as("an odd controller quorum").isEqualTo(1);
    JsonNode config = kafkas.get(0).path("spec").path("kafka").path("config");
    for (String rf :
        List.of(
            "default.replication.factor",
            "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor")) {
      assertThat(config.path(rf).asInt()).as(rf).isBetween(1, brokers);
    }
    int replication = config.path("default.replication.factor").asInt();
    int minIsr = config.path("min.insync.replicas").asInt();
    assertThat(minIsr).as("min.insync.replicas").isBetween(1, replication);
    if (brokers > 1) {
      assertThat(minIsr)
          .as("one broker may be down without stopping producers (acks=all)")
          .isLessThan(replication);
      assertThat(replication).isGreaterThanOrEqualTo(3);
    }
    assertThat(kafkas.get(0).path("spec").path("entityOperator").has("topicOperator"))
        .as("KafkaTopics are reconciled")
        .isTrue();
    Rendered app = app(overlay);
    for (String service : SERVICES) {
      int factor =
          Integer.parseInt(
              app.environment(app.deployment(service))
                  .getOrDefault("KAFKA_REPLICATION_FACTOR", "1"));
      assertThat(factor).as("%s KAFKA_REPLICATION_FACTOR", service).isBetween(1, brokers);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("infraOverlays")
  @DisplayName(
      "each service has its own database owned by its own login role, whose password Secret is the"
          + " one its PG_URI comes from, and that URI names the CloudNativePG primary and that database")
  void ownDatabasePerService(String overlay) {
    Rendered infra = Rendered.of(overlay);
    Rendered app = app(overlay);
    List<ObjectNode> clusters = infra.raw("Cluster");
    assertThat(clusters).hasSize(1);
    ObjectNode cluster = clusters.get(0);
    String clusterName = cluster.path("metadata").path("name").asText();
    int instances = cluster.path("spec").path("instances").asInt();
    assertThat(instances).isEqualTo(overlay.endsWith("prod") ? 3 : 1);
    // Synchronous replication needs standbys to count: CloudNativePG refuses a quorum as large
    // as the cluster, so the single-instance overlay has none.
    JsonNode synchronous = cluster.path("spec").path("postgresql").path("synchronous");
    if (instances > 1) {
      assertThat(synchronous.path("number").asInt()).isBetween(1, instances - 1);
    } else {
      assertThat(synchronous.isMissingNode())
          .as("no synchronous replication: %s", synchronous)
          .isTrue();
    }
    assertThat(cluster.path("spec").path("imageName").asText())
        .as("PostgreSQL image pinned")
        .matches(".+:\\d+\\.\\d+.*");

    Map<String, String> databaseOwners = new java.util.TreeMap<>();
    JsonNode initdb = cluster.path("spec").path("bootstrap").path("initdb");
    databaseOwners.put(initdb.path("database").asText(), initdb.path("owner").asText());
    for (ObjectNode db : infra.raw("Database")) {
      assertThat(db.path("spec").path("cluster").path("name").asText()).isEqualTo(clusterName);
      databaseOwners.put(
          db.path("spec").path("name").asText(), db.path("spec").path("owner").asText());
    }
    Map<String, String> rolePasswords = new java.util.TreeMap<>();
    for (JsonNode role : cluster.path("spec").path("managed").path("roles")) {
      assertThat(role.path("login").asBoolean()).isTrue();
      rolePasswords.put(
          role.path("name").asText(), role.path("passwordSecret").path("name").asText());
    }
    Map<String, Secret> contract = Rendered.secretContract(overlay.replace("infra/", "overlays/"));
    Set<String> seenRoles = new TreeSet<>();
    for (String service : SERVICES) {
      var env = Rendered.container(app.deployment(service)).getEnv();
      var ref =
          env.stream()
              .filter(e -> e.getName().equals("PG_URI"))
              .findFirst()
              .orElseThrow()
              .getValueFrom()
              .getSecretKeyRef();
      Secret secret = contract.get(ref.getName());
      assertThat(secret).as("Secret %s", ref.getName()).isNotNull();
      assertThat(secret.getStringData()).containsKey(ref.getKey());
      assertThat(secret.getType()).isEqualTo("kubernetes.io/basic-auth");
      String role = secret.getStringData().get("username");
      assertThat(seenRoles.add(role)).as("%s has a role of its own", service).isTrue();
      assertThat(rolePasswords)
          .as("role %s managed with its Secret", role)
          .containsEntry(role, ref.getName());
      URI uri = URI.create(secret.getStringData().get(ref.getKey()).replace("(password)", "pw"));
      assertThat(uri.getQuery())
          .as("%s: TLS with the server's name checked against the cluster's CA", service)
          .isEqualTo("sslmode=verify-full");
      assertThat(app.environment(app.deployment(service)))
          .containsEntry("PG_SSL_CA", "secret:" + clusterName + "-ca/ca.crt");
      assertThat(uri.getScheme()).isEqualTo("postgresql");
      assertThat(uri.getHost()).isEqualTo(clusterName + "-rw");
      assertThat(uri.getPort()).isEqualTo(5432);
      assertThat(uri.getUserInfo()).startsWith(role + ":");
      String database = uri.getPath().substring(1);
      assertThat(databaseOwners)
          .as("database %s owned by %s", database, role)
          .containsEntry(database, role);
      if (initdb.path("owner").asText().equals(role)) {
        assertThat(initdb.path("secret").path("name").asText()).isEqualTo(ref.getName());
      }
    }
    assertThat(databaseOwners.keySet()).as("one database per service").hasSameSizeAs(SERVICES);
    // create-secrets.sh builds the real URIs: postgresql://ROLE:PASSWORD@PG_HOST/ROLE.
    String script = K8sTree.read(K8sTree.K8S.resolve("secrets/create-secrets.sh"));
    assertThat(script).contains("PG_HOST:-" + clusterName + "-rw:5432}");
    assertThat(script)
        .contains(
            "uri=\"postgresql://${role}:${password}@${PG_HOST}/${role}?sslmode=verify-full\"");
    databaseOwners.forEach(
        (db, owner) -> assertThat(db).as("database named after its role").isEqualTo(owner));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("infraOverlays")
  @DisplayName(
      "PostgreSQL max_connections covers every pod's pool, relay-leader, replica-progress and"
          + " migration connections at"
          + " full scale plus a rollout's surge pod")
  void maxConnectionsCoverTheServices(String overlay) {
    Rendered infra = Rendered.of(overlay);
    Rendered app = app(overlay);
    int needed = 10; // superuser_reserved_connections and the operator's own
    List<String> sizing = new ArrayList<>();
    for (String service : SERVICES) {
      Deployment d = app.deployment(service);
      int pods =
          app.find("HorizontalPodAutoscaler", service, HorizontalPodAutoscaler.class)
              .map(h -> h.getSpec().getMaxReplicas())
              .orElse(d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas());
      int surge = d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
      int pool = Integer.parseInt(app.environment(d).getOrDefault("PG_POOL_SIZE", "8"));
      // Sessions outside the pool: the relay's leadership lock (users, orders), the LISTEN for
      // replica progress (inventory, orders), and Flyway's at start.
      int own = SESSIONS_OUTSIDE_THE_POOL.get(service) + 1;
      needed += (pods + surge) * (pool + own);
      sizing.add(service + ": (" + pods + "+" + surge + ") x (" + pool + "+" + own + ")");
    }
    int max =
        Integer.parseInt(
            infra
                .raw("Cluster")
                .get(0)
                .path("spec")
                .path("postgresql")
                .path("parameters")
                .path("max_connections")
                .asText("100"));
    assertThat(max)
        .as("max_connections for %s + 10 reserved", sizing)
        .isGreaterThanOrEqualTo(needed);
  }
}
