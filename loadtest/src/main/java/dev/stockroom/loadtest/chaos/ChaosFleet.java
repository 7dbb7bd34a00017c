package dev.stockroom.loadtest.chaos;

import dev.stockroom.embedded.LocalBalancer;
import dev.stockroom.loadtest.Api;
import dev.stockroom.loadtest.Urls;
import dev.stockroom.loadtest.system.Infra;
import dev.stockroom.loadtest.system.ServiceEnv;
import dev.stockroom.loadtest.system.ServiceFleet;
import dev.stockroom.loadtest.system.ServiceProcess;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Several instances of every service, each its own JVM and port, sharing the service's database and
 * consumer group, behind one {@link LocalBalancer} per service. Clients pick an instance themselves
 * among the ones not taken down by a fault, as a Kubernetes Service routes only to ready pods.
 */
final class ChaosFleet implements AutoCloseable {
  static final List<String> SERVICES = ServiceFleet.SERVICES;
  private static final Duration READY = Duration.ofSeconds(120);

  /**
   * What a service promises for a SIGTERM: its stop done within SHUTDOWN_GRACE (none here) + its
   * drain timeout (10 s by default) + 5 s; and 5 s more for the JVM to exit on a busy machine.
   */
  static final Duration ORDERLY_STOP = Duration.ofSeconds(20);

  /**
   * How long a client may still send to an instance it picked just before it was taken down (a
   * request waiting for a pooled connection, a pause of the client's JVM): what SHUTDOWN_GRACE is
   * for in a cluster, here with the clients' own choice.
   */
  private static final Duration ENDPOINTS_UPDATED = Duration.ofSeconds(1);

  private final Path root;
  private final Path workDir;
  private final Infra infra;
  private final String xmx;
  private final Map<String, LocalBalancer> balancers = new LinkedHashMap<>();
  private final Map<String, List<ServiceProcess>> instances = new LinkedHashMap<>();
  private final Set<String> down = ConcurrentHashMap.newKeySet();
  private final AtomicLong picks = new AtomicLong();

  private ChaosFleet(Path root, Path workDir, Infra infra, String xmx) {
    this.root = root;
    this.workDir = workDir;
    this.infra = infra;
    this.xmx = xmx;
  }

  /** Starts {@code count} instances of each service (users first) and their balancers. */
  static ChaosFleet start(
      Vertx vertx, Path root, Path workDir, Infra infra, int count, String xmx) {
    ChaosFleet fleet = new ChaosFleet(root, workDir, infra, xmx);
    for (String service : SERVICES) {
      fleet.instances.put(service, new CopyOnWriteArrayList<>());
      fleet.balancers.put(
          service,
          Api.await(
              LocalBalancer.start(vertx, ServiceFleet.freePort(), List.of()),
              Duration.ofSeconds(10)));
    }
    try {
      for (String service : SERVICES) {
        List<ServiceProcess> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          started.add(fleet.create(service));
        }
        started.forEach(ServiceProcess::start);
        started.forEach(p -> p.awaitReady(READY));
      }
      return fleet;
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  private ServiceProcess create(String service) {
    List<ServiceProcess> list = instances.get(service);
    Path jar = root.resolve(service + "/target/" + service + ".jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build first (./mvnw install)");
    }
    int port = ServiceFleet.freePort();
    Map<String, String> env =
        ServiceEnv.of(
            service,
            port,
            infra.pgUri(service),
            infra.kafka().bootstrapServers(),
            "http://localhost:" + balancers.get("users").port(),
            "http://localhost:" + balancers.get("inventory").port());
    String name = service + "-" + (list.size() + 1);
    ServiceProcess p =
        new ServiceProcess(
            name,
            ServiceProcess.javaJar(jvmOptions(), jar),
            env,
            workDir.resolve("logs/" + name + ".log"),
            port);
    list.add(p);
    balancers.get(service).add(port);
    return p;
  }

  /**
   * Seven JVMs, PostgreSQL and Kafka share two cores here, and a restarted instance competes with
   * the load for CPU while its JIT compiles: the client compiler alone and a serial collector start
   * it in seconds rather than a minute. This run checks behaviour, not speed (BENCHMARKS.md runs
   * the JVMs as production does).
   */
  private List<String> jvmOptions() {
    return List.of(
        "-Xmx" + xmx,
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xss512k");
  }

  /** The balanced addresses, for seeding and the end-of-run read-back. */
  Urls urls() {
    return new Urls(
        "http://localhost:" + balancers.get("users").port(),
        "http://localhost:" + balancers.get("inventory").port(),
        "http://localhost:" + balancers.get("orders").port(),
        null);
  }

  List<ServiceProcess> instances(String service) {
    return List.copyOf(instances.get(service));
  }

  /** The next instance of {@code service} that no fault has taken down, round robin. */
  ServiceProcess pick(String service) {
    List<ServiceProcess> up =
        instances.get(service).stream().filter(p -> !down.contains(p.name())).toList();
    List<ServiceProcess> from = up.isEmpty() ? instances.get(service) : up;
    return from.get((int) Math.floorMod(picks.getAndIncrement(), (long) from.size()));
  }

  /** SIGKILL; clients stop choosing it at once (as endpoints drop a pod that is gone). */
  void kill(ServiceProcess p) {
    down.add(p.name());
    p.kill();
  }

  /** Starts a killed instance again and gives it load once it is ready. */
  void restart(ServiceProcess p) {
    p.start();
    p.awaitReady(READY);
    down.remove(p.name());
  }

  /** A new instance joins (its consumer group rebalances); returns it once ready. */
  ServiceProcess join(String service) {
    ServiceProcess p = create(service);
    down.add(p.name());
    restart(p);
    return p;
  }

  /**
   * A rolling restart's first half: clients stop choosing the instance, and a moment later (as a
   * pod leaves its Service's endpoints before it is sent SIGTERM) it is asked to stop. Returns how
   * long the orderly stop took, or empty when it outlasted {@link #ORDERLY_STOP} and was killed.
   */
  Optional<Duration> stopOrderly(ServiceProcess p) {
    down.add(p.name());
    Faults.pause(ENDPOINTS_UPDATED);
    long start = System.nanoTime();
    return p.stop(ORDERLY_STOP)
        ? Optional.of(Duration.ofNanos(System.nanoTime() - start))
        : Optional.empty();
  }

  /** An orderly stop (SIGTERM): the instance leaves its consumer group and the fleet. */
  void leave(ServiceProcess p) {
    down.add(p.name());
    p.stop(Duration.ofSeconds(20));
    instances.values().forEach(list -> list.remove(p));
  }

  /** The users instance whose relay holds the outbox lock, from its {@code /metrics} gauge. */
  Optional<ServiceProcess> relayLeader() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    for (ServiceProcess p : instances.get("users")) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(p.url() + "/metrics"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.body().lines().anyMatch(l -> l.matches("outbox_relay_leader(\\{.*})? 1(\\.0)?"))) {
          return Optional.of(p);
        }
      } catch (IOException e) {
        // not up: not the leader
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  Infra infra() {
    return infra;
  }

  /** Every JVM stops (SIGTERM), then the balancers; a failure does not keep the rest running. */
  @Override
  public void close() {
    List<ServiceProcess> all = new ArrayList<>();
    instances.values().forEach(all::addAll);
    java.util.Collections.reverse(all);
    for (ServiceProcess p : all) {
      try {
        p.stop(Duration.ofSeconds(20));
      } catch (RuntimeException e) {
        p.kill();
      }
    }
    balancers.values().forEach(LocalBalancer::close);
  }
}
