package dev.stockroom.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.health.ProbeRoute;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered app overlays against the services' code: every check here reads what the code does
 * (ports and calls from the services' own {@code ServiceSpec}s, {@link ServiceFacts}; the
 * platform's routes, {@link PlatformRoutes}); whether each pod's values configure its service is
 * {@link PodConfigurationTest}'s.
 */
@DisplayName("Services in each overlay, against their code")
class ServiceWiringTest {
  private static final Map<String, ServiceFacts> SERVICES = ServiceFacts.all();

  /** Read by the JVM itself, not by Stockroom's code. */
  static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  /**
   * What the JVM needs besides the heap, measured with -XX:NativeMemoryTracking on the users
   * service under load (SerialGC): about 110 MiB committed (metaspace 40, code cache 21, symbols 9,
   * threads 5, Netty and other 5, class space 6) plus about 50 MiB outside NMT (libjvm, libc
   * arenas, the mapped jar). The headroom a memory limit must leave beside the maximum heap.
   */
  private static final long NON_HEAP_MIB = 160;

  /** The heap the services are designed to run in. */
  private static final long HEAP_MIB = 256;

  static Stream<Arguments> overlayServices() {
    return K8sTree.APP_OVERLAYS.stream()
        .flatMap(o -> SERVICES.keySet().stream().map(s -> Arguments.of(o, s)));
  }

  static Stream<String> overlays() {
    return K8sTree.APP_OVERLAYS.stream();
  }

  private static int httpPort(Rendered r, String service) {
    String value = r.environment(r.deployment(service)).get("HTTP_PORT");
    return value != null ? Integer.parseInt(value) : SERVICES.get(service).defaultPort();
  }

  /**
   * The port that serves probes and metrics outside the API's connection bound: every pod sets one,
   * read by the code's own parser.
   */
  private static int managementPort(Rendered r, String service) {
    Map<String, String> env = r.environment(r.deployment(service));
    assertThat(env).as("%s sets HTTP_MANAGEMENT_PORT", service).containsKey("HTTP_MANAGEMENT_PORT");
    return new dev.stockroom.common.config.Env(env).port("HTTP_MANAGEMENT_PORT", 0);
  }

  private static ContainerPort containerPort(Container c, Object portRef) {
    return c.getPorts().stream()
        .filter(
            p ->
                portRef.toString().equals(p.getName())
                    || portRef.toString().equals(String.valueOf(p.getContainerPort())))
        .findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + ": no container port " + portRef));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName(
      "the container port is the one the code listens on (HTTP_PORT, else the ServiceSpec default)"
          + " and the Service forwards to it")
  void portsMatchTheCode(String overlay, String service) {
    Rendered r = Rendered.of(overlay);
    int port = httpPort(r, service);
    Container c = Rendered.container(r.deployment(service));
    assertThat(containerPort(c, "http").getContainerPort()).isEqualTo(port);
    Service svc =
        r.find("Service", service, Service.class)
            .orElseThrow(() -> new AssertionError("no Service " + service));
    assertThat(svc.getSpec().getPorts()).hasSize(1);
    var servicePort = svc.getSpec().getPorts().get(0);
    Object target = servicePort.getTargetPort().getValue();
    assertThat(containerPort(c, target).getContainerPort()).isEqualTo(port);
    assertThat(servicePort.getPort()).as("Service port = the port peers' URLs use").isEqualTo(port);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName(
      "probes use the platform's probe routes (ProbeRoute): startup and liveness the one that never"
          + " checks dependencies, readiness the one that checks the database; all on the"
          + " management port, outside the API's connection bound")
  void probesUseTheHealthRoutes(String overlay, String service) {
    Rendered r = Rendered.of(overlay);
    Container c = Rendered.container(r.deployment(service));
    int port = managementPort(r, service);
    assertThat(port).isNotEqualTo(httpPort(r, service));
    Map<String, Probe> probes =
        Map.of(
            "startup", c.getStartupProbe(),
            "liveness", c.getLivenessProbe(),
            "readiness", c.getReadinessProbe());
    probes.forEach(
        (kind, probe) -> {
          assertThat(probe).as("%s probe", kind).isNotNull();
          HTTPGetAction get = probe.getHttpGet();
          assertThat(get).as("%s probe is an HTTP GET", kind).isNotNull();
          ProbeRoute route =
              Arrays.stream(ProbeRoute.values())
                  .filter(p -> p.path().equals(get.getPath()))
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new AssertionError(
                              kind + " probe path " + get.getPath() + " is no probe route"));
          assertThat(route.checksDependencies())
              .as("%s probe on %s", kind, route.path())
              .isEqualTo(kind.equals("readiness"));
          assertThat(containerPort(c, get.getPort().getValue()).getContainerPort()).isEqualTo(port);
        });
    assertThat(c.getLivenessProbe().getFailureThreshold() * c.getLivenessProbe().getPeriodSeconds())
        .as("liveness tolerates a few slow answers (GC pause, saturated event loop)")
        .isGreaterThanOrEqualTo(20);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName(
      "every address without a usable default in a pod is set: PG_URI, KAFKA_BOOTSTRAP_SERVERS"
          + " (the code's defaults point at localhost) and the URL of every service it calls")
  void everyAddressIsProvided(String overlay, String service) {
    Rendered r = Rendered.of(overlay);
    Map<String, String> env = r.environment(r.deployment(service));
    assertThat(env).containsKeys("PG_URI", "KAFKA_BOOTSTRAP_SERVERS");
    for (String callee : SERVICES.get(service).calls()) {
      assertThat(env).containsKey(callee.toUpperCase(java.util.Locale.ROOT) + "_URL");
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName("the URL of every service it calls names that service's Service and port")
  void peerUrlsNameTheServices(String overlay, String service) {
    Rendered r = Rendered.of(overlay);
    Map<String, String> env = r.environment(r.deployment(service));
    for (String callee : SERVICES.get(service).calls()) {
      String variable = callee.toUpperCase(java.util.Locale.ROOT) + "_URL";
      assertThat(env).containsKey(variable);
      URI url = URI.create(env.get(variable));
      Service target =
          r.find("Service", callee, Service.class)
              .orElseThrow(() -> new AssertionError("no Service " + callee));
      String namespace = target.getMetadata().getNamespace();
      assertThat(url.getScheme()).isEqualTo("http");
      assertThat(url.getHost())
          .as(variable)
          .isIn(
              callee,
              callee + "." + namespace,
              callee + "." + namespace + ".svc",
              callee + "." + namespace + ".svc.cluster.local");
      assertThat(url.getPort())
          .as(variable)
          .isEqualTo(target.getSpec().getPorts().get(0).getPort());
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName(
      "production mode: keys and database credentials from Secrets, JSON logs; no service holds a"
          + " key that can mint a person's token: callers sign with a service key of their own,"
          + " and the services they call hold exactly the callers' public keys")
  void productionModeWithKeysFromSecrets(String overlay, String service) {
    Rendered r = Rendered.of(overlay);
    Deployment d = r.deployment(service);
    Map<String, String> env = r.environment(d);
    assertThat(env.getOrDefault("STOCKROOM_ENV", "production")).isNotEqualToIgnoringCase("dev");
    assertThat(env).doesNotContainKeys("JWT_SECRET", "JWT_PRIVATE_KEY", "SERVICE_TOKEN");
    assertThat(env.containsKey("JWT_PUBLIC_KEY") || env.containsKey("JWT_JWKS_URL")).isTrue();
    assertThat(env.get("PG_URI"))
        .as("database credentials come from a Secret")
        .startsWith("secret:");
    assertThat(env).as("one JSON object per log line").containsEntry("LOG_FORMAT", "json");
    boolean calls = !SERVICES.get(service).calls().isEmpty();
    List<String> callers =
        SERVICES.values().stream()
            .filter(s -> s.calls().contains(service))
            .map(ServiceFacts::name)
            .sorted()
            .toList();
    assertThat(env.containsKey("SERVICE_SIGNING_KEY"))
        .as("a service that calls others signs its calls with a key of its own")
        .isEqualTo(calls);
    if (calls) {
      assertThat(env).containsEntry("SERVICE_SIGNING_KID", service);
    }
    assertThat(env.containsKey("JWT_SERVICE_KEYS"))
        .as("a service that others call verifies their service keys")
        .isEqualTo(!callers.isEmpty());
    for (String key : List.of("JWT_PUBLIC_KEY", "SERVICE_SIGNING_KEY")) {
      String path = env.get(key);
      if (path == null) {
        continue;
      }
      assertThat(path).as("%s is a file mounted from a Secret", key).startsWith("/");
      assertThat(secretFileKey(d, path))
          .as("%s: %s is mounted from a Secret item", key, path)
          .isNotNull();
    }
    Map<String, Secret> contract = Rendered.secretContract(overlay);
    List<String> privateKeysFrom = new ArrayList<>();
    List<String> publicServiceKeys = new ArrayList<>();
    for (Volume v : d.getSpec().getTemplate().getSpec().getVolumes()) {
      if (v.getSecret() == null) {
        continue;
      }
      String name = v.getSecret().getSecretName();
      Secret secret = contract.get(name);
      assertThat(secret).as("Secret %s is declared", name).isNotNull();
      assertThat(v.getSecret().getItems()).as("only the keys it needs are mounted").isNotEmpty();
      for (var item : v.getSecret().getItems()) {
        assertThat(secret.getStringData()).containsKey(item.getKey());
        if (item.getKey().equals("private.pem")) {
          privateKeysFrom.add(name);
        }
        if (env.containsKey("JWT_SERVICE_KEYS")
            && v.getName().equals(mountOf(d, env.get("JWT_SERVICE_KEYS")))) {
          publicServiceKeys.add(item.getPath());
        }
      }
    }
    assertThat(privateKeysFrom)
        .as("the only private key mounted is the service's own service key")
        .isEqualTo(calls ? List.of("stockroom-" + service + "-service-key") : List.of());
    assertThat(publicServiceKeys)
        .as("exactly the callers' public keys, one <kid>.pem each")
        .containsExactlyInAnyOrderElementsOf(callers.stream().map(c -> c + ".pem").toList());
    for (String other : SERVICES.keySet()) {
      if (!other.equals(service)) {
        assertThat(
                r.deployment(other).getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getSecret() != null)
                    .map(v -> v.getSecret().getSecretName()))
            .as("%s does not mount %s's signing key", other, service)
            .doesNotContain("stockroom-" + service + "-service-key");
      }
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName(
      "Kafka over TLS with SASL in every overlay (in-cluster or managed), the password from a"
          + " Secret: never plaintext, never unauthenticated")
  void kafkaIsAuthenticatedEverywhere(String overlay, String service) {
    Map<String, String> env =
        Rendered.of(overlay).environment(Rendered.of(overlay).deployment(service));
    assertThat(env).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    assertThat(env.get("KAFKA_SASL_MECHANISM")).isIn("SCRAM-SHA-512", "SCRAM-SHA-256");
    assertThat(env.get("KAFKA_SASL_PASSWORD")).startsWith("secret:");
    assertThat(env.get("KAFKA_SASL_USERNAME")).isNotBlank();
  }

  /** The name of the volume mounted at {@code path}, or null. */
  private static String mountOf(Deployment d, String path) {
    return Rendered.container(d).getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(path))
        .map(VolumeMount::getName)
        .findFirst()
        .orElse(null);
  }

  /** The Secret key behind a mounted file path, if a Secret volume provides it. */
  private static String secretFileKey(Deployment d, String path) {
    Container c = Rendered.container(d);
    for (VolumeMount m : c.getVolumeMounts()) {
      if (!path.startsWith(m.getMountPath() + "/")) {
        continue;
      }
      String file = path.substring(m.getMountPath().length() + 1);
      for (Volume v : d.getSpec().getTemplate().getSpec().getVolumes()) {
        if (v.getName().equals(m.getName()) && v.getSecret() != null) {
          return v.getSecret().getItems().stream()
              .filter(i -> i.getPath().equals(file))
              .map(i -> i.getKey())
              .findFirst()
              .orElse(null);
        }
      }
    }
    return null;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName(
      "every ConfigMap and Secret a pod references exists with the referenced key (Secrets as"
          + " k8s/secrets creates them), and its ServiceAccount exists")
  void referencesResolve(String overlay, String service) {
    Rendered r = Rendered.of(overlay);
    Deployment d = r.deployment(service);
    Container c = Rendered.container(d);
    Map<String, Secret> contract = Rendered.secretContract(overlay);
    c.getEnvFrom()
        .forEach(
            from -> {
              assertThat(from.getSecretRef())
                  .as("no Secret as envFrom (every key would leak into env)")
                  .isNull();
              assertThat(r.raw("ConfigMap", from.getConfigMapRef().getName()))
                  .as("ConfigMap %s", from.getConfigMapRef().getName())
                  .isPresent();
            });
    c.getEnv().stream()
        .filter(e -> e.getValueFrom() != null)
        .forEach(
            e -> {
              var secretRef = e.getValueFrom().getSecretKeyRef();
              var configRef = e.getValueFrom().getConfigMapKeyRef();
              if (secretRef != null) {
                Secret s = contract.get(secretRef.getName());
                assertThat(s).as("Secret %s for %s", secretRef.getName(), e.getName()).isNotNull();
                assertThat(s.getStringData())
                    .as("%s: %s/%s", e.getName(), secretRef.getName(), secretRef.getKey())
                    .containsKey(secretRef.getKey());
              } else if (configRef != null) {
                assertThat(r.raw("ConfigMap", configRef.getName()))
                    .hasValueSatisfying(
                        cm -> assertThat(cm.path("data").has(configRef.getKey())).isTrue());
              }
            });
    String account = d.getSpec().getTemplate().getSpec().getServiceAccountName();
    assertThat(r.find("ServiceAccount", account, ServiceAccount.class)).isPresent();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName(
      "pods run as non-root with a read-only root filesystem, no capabilities, no privilege"
          + " escalation, RuntimeDefault seccomp, no API token, and a writable /tmp for the JVM")
  void podsAreLockedDown(String overlay, String service) {
    Rendered r = Rendered.of(overlay);
    PodSpec pod = r.deployment(service).getSpec().getTemplate().getSpec();
    PodSecurityContext psc = pod.getSecurityContext();
    assertThat(psc.getRunAsNonRoot()).isTrue();
    assertThat(psc.getRunAsUser()).isPositive();
    assertThat(psc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    for (Container c : pod.getContainers()) {
      SecurityContext sc = c.getSecurityContext();
      assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
      assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
      assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
      assertThat(sc.getCapabilities().getDrop()).contains("ALL");
      assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
      VolumeMount tmp =
          c.getVolumeMounts().stream()
              .filter(m -> m.getMountPath().equals("/tmp"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no writable /tmp"));
      assertThat(pod.getVolumes())
          .anySatisfy(
              v -> {
                assertThat(v.getName()).isEqualTo(tmp.getName());
                assertThat(v.getEmptyDir()).isNotNull();
              });
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName(
      "CPU and memory requests and limits are set, and the memory limit holds the heap the JVM flags"
          + " give (MaxRAMPercentage) plus the measured non-heap footprint")
  void resourcesMatchTheJvmFlags(String overlay, String service) {
    Rendered r = Rendered.of(overlay);
    Container c = Rendered.container(r.deployment(service));
    var req = c.getResources().getRequests();
    var lim = c.getResources().getLimits();
    for (String resource : List.of("cpu", "memory")) {
      assertThat(req).containsKey(resource);
      assertThat(lim).containsKey(resource);
      assertThat(Quantity.getAmountInBytes(req.get(resource)))
          .as("%s request <= limit", resource)
          .isLessThanOrEqualTo(Quantity.getAmountInBytes(lim.get(resource)));
    }
    String flags = r.environment(r.deployment(service)).get("JAVA_TOOL_OPTIONS");
    assertThat(flags)
        .as("JVM flags set explicitly")
        .isNotNull()
        .contains("-XX:+ExitOnOutOfMemoryError");
    assertThat(flags).doesNotContain("-Xmx").doesNotContain("-Xms");
    assertThat(flags)
        .as(
            "a floor for the young generation: from the pod's 1/64 initial heap the serial"
                + " collector grows it only after a full collection")
        .containsPattern("-XX:NewSize=(3[2-9]|[4-9]\\d|\\d{3,})m");
    Matcher pct = Pattern.compile("-XX:MaxRAMPercentage=([\\d.]+)").matcher(flags);
    assertThat(pct.find()).as("heap sized from the limit").isTrue();
    long limitMib =
        Quantity.getAmountInBytes(lim.get("memory"))
            .divide(BigDecimal.valueOf(1 << 20))
            .longValue();
    double heapMib = limitMib * Double.parseDouble(pct.group(1)) / 100;
    assertThat(heapMib)
        .as("max heap (MiB) of a %d MiB limit", limitMib)
        .isGreaterThanOrEqualTo(HEAP_MIB);
    assertThat(limitMib - heapMib)
        .as("MiB left beside the heap for metaspace, code, threads, buffers")
        .isGreaterThanOrEqualTo(NON_HEAP_MIB);
    Map<String, String> env = r.environment(r.deployment(service));
    int instances = Integer.parseInt(env.getOrDefault("HTTP_INSTANCES", "0"));
    assertThat(instances)
        .as("HTTP_INSTANCES set (the JVM may see more cores than the pod gets)")
        .isPositive();
    assertThat(BigDecimal.valueOf(instances))
        .as("no more event-loop verticles than the CPU limit allows cores")
        .isLessThanOrEqualTo(
            Quantity.getAmountInBytes(lim.get("cpu")).setScale(0, java.math.RoundingMode.CEILING));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName(
      "terminationGracePeriodSeconds exceeds preStop + SHUTDOWN_GRACE + SHUTDOWN_DRAIN_TIMEOUT plus a"
          + " margin for closing Kafka clients and the pool")
  void shutdownFitsTheGracePeriod(String overlay, String service) {
    Rendered r = Rendered.of(overlay);
    Deployment d = r.deployment(service);
    Container c = Rendered.container(d);
    Map<String, String> env = r.environment(d);
    assertThat(env).containsKeys("SHUTDOWN_GRACE", "SHUTDOWN_DRAIN_TIMEOUT");
    assertThat(c.getLifecycle().getPreStop()).as("preStop hook").isNotNull();
    long preStop =
        Optional.ofNullable(c.getLifecycle().getPreStop().getSleep())
            .map(s -> s.getSeconds().longValue())
            .orElse(0L);
    Duration grace = Duration.parse(env.get("SHUTDOWN_GRACE"));
    Duration drain = Duration.parse(env.get("SHUTDOWN_DRAIN_TIMEOUT"));
    assertThat(grace)
        .as("readiness 503 reaches load balancers that poll it")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    long needed = preStop + grace.toSeconds() + drain.toSeconds() + 5;
    assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isGreaterThanOrEqualTo(needed);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName(
      "the startup probe outlasts STARTUP_TIMEOUT (the wait for PostgreSQL) plus half a minute for"
          + " the JVM, the migrations and the deployments: the start gives up with its own line"
          + " before the kubelet kills it without one")
  void startupProbeOutlastsTheDatabaseWait(String overlay, String service) {
    Rendered r = Rendered.of(overlay);
    Deployment d = r.deployment(service);
    Container c = Rendered.container(d);
    Duration startup = Duration.parse(r.environment(d).getOrDefault("STARTUP_TIMEOUT", "PT3M"));
    assertThat(c.getStartupProbe()).as("startup probe").isNotNull();
    long probeSeconds =
        (long) c.getStartupProbe().getPeriodSeconds() * c.getStartupProbe().getFailureThreshold();
    assertThat(probeSeconds).isGreaterThanOrEqualTo(startup.toSeconds() + 30);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName("images are pinned by tag, never latest, and pulled only when missing")
  void imagesArePinned(String overlay, String service) {
    Container c = Rendered.container(Rendered.of(overlay).deployment(service));
    Matcher m = Pattern.compile("^[\\w./-]+/" + service + ":([\\w.-]+)$").matcher(c.getImage());
    assertThat(m.matches()).as("%s is repository/%s:tag", c.getImage(), service).isTrue();
    assertThat(m.group(1)).isNotEqualTo("latest").matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayServices")
  @DisplayName(
      "Prometheus scrapes /metrics (PlatformHttpTest: served without a token) on the management"
          + " port, the container port the PodMonitor names")
  void prometheusScrapesMetrics(String overlay, String service) {
    Rendered r = Rendered.of(overlay);
    Map<String, String> annotations =
        r.deployment(service).getSpec().getTemplate().getMetadata().getAnnotations();
    assertThat(annotations).containsEntry("prometheus.io/scrape", "true");
    int management = managementPort(r, service);
    assertThat(annotations).containsEntry("prometheus.io/port", String.valueOf(management));
    String podMonitorPort =
        K8sTree.docs(K8sTree.K8S.resolve("monitoring/podmonitor.yaml"))
            .get(0)
            .node()
            .at("/spec/podMetricsEndpoints/0/port")
            .asText();
    assertThat(containerPort(Rendered.container(r.deployment(service)), podMonitorPort))
        .as("the port the PodMonitor (k8s/monitoring) scrapes by name")
        .extracting(ContainerPort::getContainerPort)
        .isEqualTo(management);
    assertThat(annotations.get("prometheus.io/path")).isEqualTo("/metrics");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  @DisplayName("each Service selects the pods of exactly one Deployment, the one of its name")
  void serviceSelectorsMatchPods(String overlay) {
    Rendered r = Rendered.of(overlay);
    List<Deployment> deployments = r.all("Deployment", Deployment.class);
    for (Service s : r.all("Service", Service.class)) {
      List<String> selected =
          deployments.stream()
              .filter(
                  d ->
                      Rendered.selects(
                          s.getSpec().getSelector(),
                          d.getSpec().getTemplate().getMetadata().getLabels()))
              .map(d -> d.getMetadata().getName())
              .toList();
      assertThat(selected)
          .as("Service %s selects", s.getMetadata().getName())
          .containsExactly(s.getMetadata().getName());
    }
    for (Deployment d : deployments) {
      assertThat(
              Rendered.selects(
                  d.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels()))
          .as("Deployment %s selects its own pods", d.getMetadata().getName())
          .isTrue();
    }
  }

  /** The pod count a Deployment runs with: its replicas, or its HPA's minimum. */
  private static int replicas(Rendered r, Deployment d) {
    Optional<HorizontalPodAutoscaler> hpa =
        r.all("HorizontalPodAutoscaler", HorizontalPodAutoscaler.class).stream()
            .filter(
                h -> h.getSpec().getScaleTargetRef().getName().equals(d.getMetadata().getName()))
            .findFirst();
    if (hpa.isPresent()) {
      assertThat(d.getSpec().getReplicas())
          .as(
              "%s: no replicas field beside an HPA (every apply would reset the HPA's count)",
              d.getMetadata().getName())
          .isNull();
      return hpa.get().getSpec().getMinReplicas();
    }
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  @DisplayName(
      "HPAs and PDBs target existing Deployments, and every PDB lets one pod go at a time, at any"
          + " replica count")
  void autoscalersAndBudgetsTargetDeployments(String overlay) {
    Rendered r = Rendered.of(overlay);
    List<Deployment> deployments = r.all("Deployment", Deployment.class);
    for (HorizontalPodAutoscaler h :
        r.all("HorizontalPodAutoscaler", HorizontalPodAutoscaler.class)) {
      var target = h.getSpec().getScaleTargetRef();
      assertThat(target.getKind()).isEqualTo("Deployment");
      assertThat(target.getApiVersion()).isEqualTo("apps/v1");
      assertThat(r.raw("Deployment", target.getName()))
          .as("HPA %s target", h.getMetadata().getName())
          .isPresent();
      assertThat(h.getSpec().getMaxReplicas()).isGreaterThanOrEqualTo(h.getSpec().getMinReplicas());
    }
    for (PodDisruptionBudget pdb : r.all("PodDisruptionBudget", PodDisruptionBudget.class)) {
      List<Deployment> selected =
          deployments.stream()
              .filter(
                  d ->
                      Rendered.selects(
                          pdb.getSpec().getSelector(),
                          d.getSpec().getTemplate().getMetadata().getLabels()))
              .toList();
      assertThat(selected)
          .as("PDB %s selects one Deployment", pdb.getMetadata().getName())
          .hasSize(1);
      // minAvailable 1 (as it was) let an HPA at six replicas lose five at once to evictions.
      assertThat(pdb.getSpec().getMinAvailable())
          .as("PDB %s minAvailable", pdb.getMetadata().getName())
          .isNull();
      assertThat(pdb.getSpec().getMaxUnavailable())
          .as("PDB %s maxUnavailable", pdb.getMetadata().getName())
          .isNotNull();
      assertThat(pdb.getSpec().getMaxUnavailable().getIntVal())
          .as("PDB %s maxUnavailable (a whole number)", pdb.getMetadata().getName())
          .isEqualTo(1);
      // With one pod at a time, an unready pod counted against the budget would block drains.
      assertThat(pdb.getSpec().getUnhealthyPodEvictionPolicy())
          .as("PDB %s unhealthyPodEvictionPolicy", pdb.getMetadata().getName())
          .isEqualTo("AlwaysAllow");
    }
    deployments.forEach(d -> replicas(r, d));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  @DisplayName(
      "dev runs one pod per service without HPA or PDB; prod runs at least two, autoscaled, with a"
          + " PDB, spread across nodes")
  void replicasPerEnvironment(String overlay) {
    Rendered r = Rendered.of(overlay);
    for (String service : SERVICES.keySet()) {
      Deployment d = r.deployment(service);
      if (overlay.endsWith("/dev")) {
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        assertThat(r.raw("HorizontalPodAutoscaler", service)).isEmpty();
        assertThat(r.raw("PodDisruptionBudget", service)).isEmpty();
        continue;
      }
      assertThat(replicas(r, d)).as("%s: replicas", service).isGreaterThanOrEqualTo(2);
      assertThat(r.raw("PodDisruptionBudget", service)).isPresent();
      var spread = d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
      assertThat(spread)
          .as("%s spreads its pods over nodes", service)
          .anySatisfy(
              t -> {
                assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(t.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
                assertThat(
                        Rendered.selects(
                            t.getLabelSelector(),
                            d.getSpec().getTemplate().getMetadata().getLabels()))
                    .isTrue();
              });
      var strategy = d.getSpec().getStrategy().getRollingUpdate();
      assertThat(strategy.getMaxUnavailable().getIntVal())
          .as("rollouts never lower capacity")
          .isZero();
    }
  }
}
