package dev.stockroom.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NetworkPolicies evaluated the way the API defines them (policies add up; a pod selected by a
 * policy of a type accepts only what some rule allows), against the calls the code makes: a service
 * calls another when it reads that service's URL variable (USERS_URL, INVENTORY_URL).
 */
@DisplayName("NetworkPolicies, against the calls the code makes")
class NetworkPolicyTest {
  private static final Map<String, ServiceFacts> SERVICES = ServiceFacts.all();

  static Stream<String> overlays() {
    return K8sTree.APP_OVERLAYS.stream();
  }

  private static Map<String, String> podLabels(Rendered r, String service) {
    return r.deployment(service).getSpec().getTemplate().getMetadata().getLabels();
  }

  private static int port(Rendered r, String service) {
    return Integer.parseInt(r.environment(r.deployment(service)).get("HTTP_PORT"));
  }

  private static boolean portMatches(List<NetworkPolicyPort> ports, int port, String protocol) {
    if (ports == null || ports.isEmpty()) {
      return true;
    }
    return ports.stream()
        .anyMatch(
            p -> {
              IntOrString value = p.getPort();
              String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
              return proto.equals(protocol)
                  && (value == null || Integer.valueOf(port).equals(value.getIntVal()));
            });
  }

  /** A peer in the same namespace selected by pod labels (no namespace selector). */
  private static Predicate<NetworkPolicyPeer> samePods(Map<String, String> labels) {
    return peer ->
        peer.getNamespaceSelector() == null
            && peer.getIpBlock() == null
            && peer.getPodSelector() != null
            && Rendered.selects(peer.getPodSelector(), labels);
  }

  private static boolean isolated(Rendered r, Map<String, String> pod, String type) {
    return r.all("NetworkPolicy", NetworkPolicy.class).stream()
        .anyMatch(
            np ->
                Rendered.selects(np.getSpec().getPodSelector(), pod)
                    && np.getSpec().getPolicyTypes().contains(type));
  }

  static boolean ingressAllowed(
      Rendered r, Map<String, String> to, Predicate<NetworkPolicyPeer> from, int port) {
    return r.all("NetworkPolicy", NetworkPolicy.class).stream()
        .filter(np -> Rendered.selects(np.getSpec().getPodSelector(), to))
        .filter(np -> np.getSpec().getPolicyTypes().contains("Ingress"))
        .flatMap(np -> np.getSpec().getIngress().stream())
        .anyMatch(
            rule ->
                portMatches(rule.getPorts(), port, "TCP")
                    && (rule.getFrom().isEmpty() || rule.getFrom().stream().anyMatch(from)));
  }

  static boolean egressAllowed(
      Rendered r,
      Map<String, String> from,
      Predicate<NetworkPolicyPeer> to,
      int port,
      String protocol) {
    return r.all("NetworkPolicy", NetworkPolicy.class).stream()
        .filter(np -> Rendered.selects(np.getSpec().getPodSelector(), from))
        .filter(np -> np.getSpec().getPolicyTypes().contains("Egress"))
        .flatMap(np -> np.getSpec().getEgress().stream())
        .anyMatch(
            rule ->
                portMatches(rule.getPorts(), port, protocol)
                    && (rule.getTo().isEmpty() || rule.getTo().stream().anyMatch(to)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  @DisplayName("every service pod is isolated for ingress and egress (only allowed traffic passes)")
  void everyPodIsIsolated(String overlay) {
    Rendered r = Rendered.of(overlay);
    for (String service : SERVICES.keySet()) {
      assertThat(isolated(r, podLabels(r, service), "Ingress")).as("%s ingress", service).isTrue();
      assertThat(isolated(r, podLabels(r, service), "Egress")).as("%s egress", service).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  @DisplayName(
      "service-to-service traffic is allowed exactly where the code calls: orders → inventory and"
          + " users, inventory → users, nothing else")
  void onlyTheCallsTheCodeMakes(String overlay) {
    Rendered r = Rendered.of(overlay);
    assertThat(SERVICES.get("orders").calls()).containsExactlyInAnyOrder("inventory", "users");
    for (String caller : SERVICES.keySet()) {
      for (String callee : SERVICES.keySet()) {
        if (caller.equals(callee)) {
          continue;
        }
        boolean calls = SERVICES.get(caller).calls().contains(callee);
        int port = port(r, callee);
        assertThat(
                egressAllowed(r, podLabels(r, caller), samePods(podLabels(r, callee)), port, "TCP"))
            .as("%s may send to %s:%d", caller, callee, port)
            .isEqualTo(calls);
        assertThat(ingressAllowed(r, podLabels(r, callee), samePods(podLabels(r, caller)), port))
            .as("%s accepts %s on %d", callee, caller, port)
            .isEqualTo(calls);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  @DisplayName(
      "every service reaches DNS, its Kafka brokers and its PostgreSQL, and accepts Prometheus and"
          + " labelled API clients on its port")
  void infrastructureAndClients(String overlay) {
    Rendered r = Rendered.of(overlay);
    var infra = Rendered.infraFor(overlay);
    for (String service : SERVICES.keySet()) {
      Map<String, String> pod = podLabels(r, service);
      Map<String, String> env = r.environment(r.deployment(service));
      assertThat(egressAllowed(r, pod, peer -> true, 53, "UDP")).as("%s DNS", service).isTrue();
      int kafkaPort =
          Integer.parseInt(env.get("KAFKA_BOOTSTRAP_SERVERS").split(",")[0].replaceAll(".*:", ""));
      if (infra.isPresent()) {
        // The labels Strimzi puts on broker pods and CloudNativePG on instance pods.
        String kafka = infra.get().raw("Kafka").get(0).path("metadata").path("name").asText();
        String pool =
            infra.get().raw("KafkaNodePool").get(0).path("metadata").path("name").asText();
        Map<String, String> broker =
            Map.of(
                "strimzi.io/cluster",
                kafka,
                "strimzi.io/kind",
                "Kafka",
                "strimzi.io/name",
                kafka + "-kafka",
                "strimzi.io/pool-name",
                pool,
                "strimzi.io/broker-role",
                "true");
        String pg = infra.get().raw("Cluster").get(0).path("metadata").path("name").asText();
        Map<String, String> postgres =
            Map.of("cnpg.io/cluster", pg, "cnpg.io/instanceRole", "primary", "role", "primary");
        assertThat(egressAllowed(r, pod, samePods(broker), kafkaPort, "TCP"))
            .as("%s → Kafka", service)
            .isTrue();
        assertThat(egressAllowed(r, pod, samePods(postgres), 5432, "TCP"))
            .as("%s → PostgreSQL", service)
            .isTrue();
      } else {
        Predicate<NetworkPolicyPeer> external = peer -> peer.getIpBlock() != null;
        assertThat(egressAllowed(r, pod, external, kafkaPort, "TCP"))
            .as("%s → managed Kafka", service)
            .isTrue();
        assertThat(egressAllowed(r, pod, external, 5432, "TCP"))
            .as("%s → managed PostgreSQL", service)
            .isTrue();
      }
      int port = port(r, service);
      Predicate<NetworkPolicyPeer> scraper =
          peer ->
              peer.getNamespaceSelector() != null
                  && "true"
                      .equals(
                          peer.getNamespaceSelector()
                              .getMatchLabels()
                              .get("stockroom.dev/metrics-scraper"));
      int management =
          Integer.parseInt(r.environment(r.deployment(service)).get("HTTP_MANAGEMENT_PORT"));
      assertThat(ingressAllowed(r, pod, scraper, management))
          .as("Prometheus scrapes %s on its management port", service)
          .isTrue();
      assertThat(ingressAllowed(r, pod, scraper, port))
          .as("Prometheus has no business on %s's API port", service)
          .isFalse();
      Predicate<NetworkPolicyPeer> client =
          peer ->
              peer.getPodSelector() != null
                  && peer.getNamespaceSelector() == null
                  && "true"
                      .equals(
                          peer.getPodSelector().getMatchLabels().get("stockroom.dev/api-client"));
      assertThat(ingressAllowed(r, pod, client, port)).as("API clients reach %s", service).isTrue();
      Deployment other = r.deployment(service);
      assertThat(
              ingressAllowed(
                  r,
                  podLabels(r, service),
                  samePods(Map.of("app.kubernetes.io/name", "intruder")),
                  port))
          .as("an unlabelled pod cannot reach %s", other.getMetadata().getName())
          .isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  @DisplayName(
      "the namespace denies ingress by default; PostgreSQL admits only the services, its own"
          + " instances and the operator")
  void defaultDenyAndDataPods(String overlay) {
    Rendered r = Rendered.of(overlay);
    Map<String, String> stranger = Map.of("app", "anything-else");
    assertThat(isolated(r, stranger, "Ingress"))
        .as("a pod nobody wrote a policy for accepts nothing")
        .isTrue();
    assertThat(ingressAllowed(r, stranger, peer -> true, 8080)).isFalse();
    var infra = Rendered.infraFor(overlay);
    if (infra.isEmpty()) {
      return;
    }
    String pg = infra.get().raw("Cluster").get(0).path("metadata").path("name").asText();
    Map<String, String> instance =
        Map.of("cnpg.io/cluster", pg, "cnpg.io/instanceRole", "primary", "role", "primary");
    Rendered data = infra.get();
    assertThat(isolated(data, instance, "Ingress")).isTrue();
    for (String service : SERVICES.keySet()) {
      assertThat(ingressAllowed(data, instance, samePods(podLabels(r, service)), 5432))
          .as("%s → PostgreSQL", service)
          .isTrue();
    }
    assertThat(ingressAllowed(data, instance, samePods(Map.of("cnpg.io/cluster", pg)), 5432))
        .as("replication between instances")
        .isTrue();
    assertThat(ingressAllowed(data, instance, samePods(stranger), 5432))
        .as("any other pod")
        .isFalse();
    assertThat(
            ingressAllowed(
                data,
                instance,
                peer ->
                    peer.getNamespaceSelector() != null
                        && "cnpg-system"
                            .equals(
                                peer.getNamespaceSelector()
                                    .getMatchLabels()
                                    .get("kubernetes.io/metadata.name")),
                8000))
        .as("the operator reads instance status")
        .isTrue();
  }
}
