package dev.stockroom.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockroom.k8s.CodeTopics.CodeTopic;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Who may reach the Strimzi cluster and what each service's KafkaUser may do, against the code. */
@DisplayName("Kafka access: authenticated listeners and ACLs")
class KafkaAccessTest {
  private static final Set<String> SERVICES = ServiceFacts.all().keySet();

  static Stream<String> infraOverlays() {
    return K8sTree.INFRA_OVERLAYS.stream();
  }

  private static Rendered app(String infra) {
    return Rendered.of(infra.replace("infra/", "overlays/"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("infraOverlays")
  @DisplayName(
      "Kafka has no plaintext or unauthenticated listener; each service connects to a TLS +"
          + " SCRAM-SHA-512 listener as its own KafkaUser, with that user's password and the"
          + " cluster CA, and only service pods are admitted to it")
  void servicesAuthenticateToKafka(String overlay) {
    Rendered infra = Rendered.of(overlay);
    Rendered app = app(overlay);
    ObjectNode kafka = infra.raw("Kafka").get(0);
    String name = kafka.path("metadata").path("name").asText();
    Set<String> authenticated = new TreeSet<>();
    for (JsonNode l : kafka.path("spec").path("kafka").path("listeners")) {
      String listener = l.path("name").asText();
      assertThat(l.path("tls").asBoolean()).as("listener %s uses TLS", listener).isTrue();
      assertThat(l.path("authentication").path("type").asText())
          .as("listener %s authenticates clients", listener)
          .isIn("scram-sha-512", "tls");
      assertThat(l.path("networkPolicyPeers").isEmpty())
          .as("listener %s limits who may connect (networkPolicyPeers)", listener)
          .isFalse();
      for (JsonNode peer : l.path("networkPolicyPeers")) {
        assertThat(peer.has("namespaceSelector")).as("no other namespace").isFalse();
        assertThat(
                peer.path("podSelector")
                    .path("matchLabels")
                    .path("app.kubernetes.io/component")
                    .asText())
            .as("only Stockroom's service pods")
            .isEqualTo("service");
      }
      if (l.path("authentication").path("type").asText().equals("scram-sha-512")) {
        authenticated.add(name + "-kafka-bootstrap:" + l.path("port").asInt());
      }
    }
    assertThat(kafka.path("spec").path("kafka").path("authorization").path("type").asText())
        .as("ACLs are enforced")
        .isEqualTo("simple");
    for (String service : SERVICES) {
      Deployment d = app.deployment(service);
      Map<String, String> env = app.environment(d);
      assertThat(d.getMetadata().getNamespace())
          .isEqualTo(kafka.path("metadata").path("namespace").asText());
      assertThat(authenticated).contains(env.get("KAFKA_BOOTSTRAP_SERVERS"));
      assertThat(env)
          .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
          .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
          .containsEntry("KAFKA_SSL_CA", "secret:" + name + "-cluster-ca-cert/ca.crt");
      String user = env.get("KAFKA_SASL_USERNAME");
      assertThat(infra.raw("KafkaUser", user)).as("KafkaUser %s", user).isPresent();
      assertThat(env).containsEntry("KAFKA_SASL_PASSWORD", "secret:" + user + "/password");
      assertThat(user).as("a user of its own").isEqualTo("stockroom-" + service);
      Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
      assertThat(labels)
          .containsEntry("app.kubernetes.io/part-of", "stockroom")
          .containsEntry("app.kubernetes.io/component", "service");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("infraOverlays")
  @DisplayName(
      "every topic has exactly one writer, the service whose code owns it; replicas read only what"
          + " they replicate with their own group; outbox relays have their transactional ids; no"
          + " user may create, delete or alter anything, or name a wildcard")
  void kafkaAclsFollowTheCode(String overlay) {
    Rendered infra = Rendered.of(overlay);
    String cluster = infra.raw("Kafka").get(0).path("metadata").path("name").asText();
    Map<String, Set<String>> granted = new java.util.TreeMap<>();
    for (ObjectNode user : infra.raw("KafkaUser")) {
      String name = user.path("metadata").path("name").asText();
      assertThat(user.path("metadata").path("labels").path("strimzi.io/cluster").asText())
          .isEqualTo(cluster);
      assertThat(user.path("spec").path("authentication").path("type").asText())
          .isEqualTo("scram-sha-512");
      Set<String> grants = new TreeSet<>();
      for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
        JsonNode resource = acl.path("resource");
        assertThat(resource.path("name").asText()).as("%s: no wildcard", name).isNotIn("*", "");
        for (JsonNode op : acl.path("operations")) {
          assertThat(op.asText())
              .as("%s: %s", name, resource)
              .isIn("Read", "Write", "Describe", "DescribeConfigs");
          grants.add(
              resource.path("type").asText()
                  + ":"
                  + resource.path("name").asText()
                  + (resource.path("patternType").asText().equals("prefix") ? "*" : "")
                  + ":"
                  + op.asText());
        }
      }
      granted.put(name.replaceFirst("^stockroom-", ""), grants);
    }
    assertThat(granted.keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
    for (CodeTopic t : CodeTopics.topics()) {
      String topic = t.topic().name();
      List<String> writers =
          granted.entrySet().stream()
              .filter(e -> e.getValue().contains("topic:" + topic + ":Write"))
              .map(Map.Entry::getKey)
              .toList();
      assertThat(writers).as("the one writer of %s", topic).containsExactly(t.owner());
      assertThat(granted.get(t.owner()))
          .as("%s checks and finds its own topic %s", t.owner(), topic)
          .contains("topic:" + topic + ":Describe", "topic:" + topic + ":DescribeConfigs");
    }
    for (CodeTopics.Replication r : CodeTopics.replications()) {
      assertThat(granted.get(r.service()))
          .contains(
              "topic:" + r.topic() + ":Read",
              "topic:" + r.topic() + ":Describe",
              "group:" + r.group() + ":Read");
    }
    for (Map.Entry<String, Set<String>> e : granted.entrySet()) {
      String service = e.getKey();
      Set<String> reads =
          CodeTopics.replications().stream()
              .filter(r -> r.service().equals(service))
              .flatMap(
                  r ->
                      Stream.of(
                          "topic:" + r.topic() + ":Read",
                          "group:" + r.group() + ":Read",
                          // Its own dead letters, for the operators' list, replay (no group).
                          "topic:" + r.topic() + "." + service + ".dlq:Read"))
              .collect(Collectors.toSet());
      assertThat(e.getValue().stream().filter(g -> g.endsWith(":Read")))
          .as("%s reads only what it replicates and its own dead letters", service)
          .containsExactlyInAnyOrderElementsOf(reads);
      boolean relays =
          CodeTopics.topics().stream().anyMatch(t -> t.owner().equals(service) && t.relayed());
      String txn = "transactionalId:" + CodeTopics.transactionalIdPrefix(service) + "*";
      assertThat(e.getValue().contains(txn + ":Write"))
          .as("%s has an outbox relay: its transactional ids", service)
          .isEqualTo(relays);
    }
  }
}
