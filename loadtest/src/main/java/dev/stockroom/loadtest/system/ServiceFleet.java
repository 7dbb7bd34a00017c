package dev.stockroom.loadtest.system;

import dev.stockroom.loadtest.baseline.BaselineServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVMs under test on free ports: the three services, each configured only by environment as in
 * production, and the bare baselines (the report's own SQL and body; the plain join). Starts, stops
 * and kills them, writes down the ones that died by themselves (and whether of OutOfMemoryError)
 * and samples their resident memory.
 */
public final class ServiceFleet {
  public static final List<String> SERVICES = List.of("users", "inventory", "orders");
  public static final List<String> BASELINES =
      List.of("baseline", "baseline-generic", "plain-join", "plain-join-generic");

  private record Crash(String service, String during) {}

  // In start order: CPU tables list the JVMs in this order, and they stop in reverse.
  private final Map<String, ServiceProcess> processes = new LinkedHashMap<>();
  private final Map<String, Map<String, Long>> peakRssByLabel = new ConcurrentHashMap<>();
  private final Map<String, Integer> outOfMemorySeen = new HashMap<>();
  private final List<Crash> crashes = new ArrayList<>();

  private ServiceFleet() {}

  /** Sets every JVM up (none is started); fails when a service's jar has not been built. */
  public static ServiceFleet create(
      Path root, Path workDir, String xmx, String baselinePools, Infra infra) {
    if (!List.of("shared", "per-loop").contains(baselinePools)) {
      throw new IllegalArgumentException(
          "baselinePools: expected shared or per-loop, got " + baselinePools);
    }
    ServiceFleet fleet = new ServiceFleet();
    Map<String, Integer> ports = new HashMap<>();
    SERVICES.forEach(name -> ports.put(name, freePort()));
    List<String> jvm = podJvmFlags(xmx);
    for (String name : SERVICES) {
      Path jar = root.resolve(name + "/target/" + name + ".jar");
      if (!Files.exists(jar)) {
        throw new IllegalStateException(jar + " is missing: build first (./mvnw install)");
      }
      int port = ports.get(name);
      Map<String, String> env =
          ServiceEnv.of(
              name,
              port,
              infra.pgUri(name),
              infra.kafka().bootstrapServers(),
              "http://localhost:" + ports.get("users"),
              "http://localhost:" + ports.get("inventory"));
      fleet.add(name, ServiceProcess.javaJar(jvm, jar), env, workDir, port);
    }
    for (String name : BASELINES) {
      int port = freePort();
      Map<String, String> env = new HashMap<>();
      env.put("PG_URI", infra.pgUri("inventory"));
      env.put("HTTP_PORT", String.valueOf(port));
      if (name.endsWith("-generic")) {
        env.put("PG_PLAN_CACHE_MODE", "force_generic_plan");
      }
      if (name.startsWith("plain-join")) {
        env.put("BASELINE_SQL", "plain");
      }
      env.put("BASELINE_POOLS", baselinePools);
      List<String> cmd = new ArrayList<>();
      cmd.add(ServiceProcess.javaBinary());
      cmd.addAll(jvm);
      cmd.addAll(
          List.of("-cp", System.getProperty("java.class.path"), BaselineServer.class.getName()));
      fleet.add(name, cmd, env, workDir, port);
    }
    return fleet;
  }

  /**
   * The JVM flags of the production image (Dockerfile, k8s) in a pod of twice {@code xmx}:
   * SerialGC, a young generation of at least 32m, and a service that runs out of heap dies (and is
   * restarted) rather than limping on. MaxRAM stands in for the pod's memory limit, so the JVM
   * sizes the initial heap as it would there; left to itself it would start with 1/64 of this
   * machine's 24 GiB, the whole cap, committed (and resident) from the start. The JVM's own
   * collector choice here would be G1, whose bookkeeping alone costs tens of MB of resident memory
   * per service.
   */
  public static List<String> podJvmFlags(String xmx) {
    return List.of(
        "-XX:MaxRAM=" + podMemory(xmx),
        "-Xmx" + xmx,
        "-XX:+UseSerialGC",
        "-XX:NewSize=32m",
        "-XX:+ExitOnOutOfMemoryError");
  }

  /** The memory limit of a pod whose heap is {@code xmx}: the image's MaxRAMPercentage=50. */
  public static String podMemory(String xmx) {
    Matcher m = JVM_SIZE.matcher(xmx);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "serviceXmx: expected a JVM heap size such as 256m or 1g, got " + xmx);
    }
    return 2 * Long.parseLong(m.group(1)) + m.group(2);
  }

  private static final Pattern JVM_SIZE = Pattern.compile("(\\d+)([kKmMgG]?)");

  private void add(
      String name, List<String> command, Map<String, String> env, Path workDir, int port) {
    Path log = workDir.resolve("logs/" + name + ".log");
    synchronized (processes) {
      processes.put(name, new ServiceProcess(name, command, env, log, port));
    }
  }

  /**
   * Another JVM of a service, with variables added or replaced ({@code BENCH_LAYERS_OFF}, …); not
   * started. It joins the CPU and memory samples until {@link #remove}d.
   */
  public ServiceProcess addVariant(String service, String name, Map<String, String> changes) {
    synchronized (processes) {
      ServiceProcess variant = processes.get(service).variant(name, freePort(), changes);
      processes.put(name, variant);
      return variant;
    }
  }

  /** Stops a JVM added with {@link #addVariant} and forgets it. */
  public void remove(String name, Duration timeout) {
    ServiceProcess p;
    synchronized (processes) {
      p = processes.remove(name);
    }
    if (p != null) {
      p.stop(timeout);
    }
  }

  public ServiceProcess get(String name) {
    return processes.get(name);
  }

  public String url(String name) {
    return processes.get(name).url();
  }

  /** Every JVM now in the fleet, in start order (a copy: variants come and go meanwhile). */
  public List<ServiceProcess> all() {
    synchronized (processes) {
      return List.copyOf(processes.values());
    }
  }

  /** Starts them all at once, then waits for each to be ready. */
  public void start(List<String> names, Duration timeout) {
    names.forEach(name -> processes.get(name).start());
    names.forEach(name -> processes.get(name).awaitReady(timeout));
  }

  public void restart(String name) {
    start(List.of(name), Duration.ofSeconds(120));
  }

  /**
   * If the service has exited by itself since it was last looked at, writes that down and returns
   * the note for the report (the caller restarts it); else empty.
   */
  public Optional<String> crash(String name, String during, String before) {
    ServiceProcess s = processes.get(name);
    Integer exit = s.exitCode();
    if (exit == null || s.isAlive()) {
      return Optional.empty();
    }
    // The log holds every run of the service: only a new OutOfMemoryError line is this crash's.
    boolean outOfMemory = s.outOfMemoryCount() > outOfMemorySeen.getOrDefault(name, 0);
    String note =
        name
            + " exited by itself (exit code "
            + exit
            + (outOfMemory ? ", OutOfMemoryError: Java heap space" : "")
            + ") during \""
            + during
            + "\"; restarted before "
            + before;
    outOfMemorySeen.put(name, s.outOfMemoryCount());
    crashes.add(new Crash(name, during));
    return Optional.of(note);
  }

  /** The scenarios during which the service crashed, in order. */
  public List<String> crashedDuring(String name) {
    return crashes.stream().filter(c -> c.service().equals(name)).map(Crash::during).toList();
  }

  /** SIGTERM to each, the last started first; a failure is passed on and the rest still stop. */
  public void stopAll(BiConsumer<String, RuntimeException> onFailure) {
    List<String> names = new ArrayList<>(processes.keySet());
    Collections.reverse(names);
    for (String name : names) {
      try {
        processes.get(name).stop(Duration.ofSeconds(20));
      } catch (RuntimeException e) {
        onFailure.accept(name, e);
      }
    }
  }

  /** On Ctrl-C or a crash of the harness: no JVM it started may outlive it. */
  public void killAll() {
    for (ServiceProcess s : all()) {
      if (s.isAlive()) {
        s.kill();
      }
    }
  }

  /** Samples every JVM's RSS twice a second, keeping the peak per JVM and per current label. */
  public void startRssSampling(Supplier<String> label) {
    Thread sampler = new Thread(() -> sampleRss(label), "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void sampleRss(Supplier<String> label) {
    while (true) {
      String now = label.get();
      for (ServiceProcess s : all()) {
        long[] rss = s.sampleRss();
        if (rss[0] > 0) {
          peakRssByLabel
              .computeIfAbsent(s.name(), k -> new ConcurrentHashMap<>())
              .merge(now, rss[0], Math::max);
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Peak RSS (KiB) of one JVM per label it was sampled under. */
  public Map<String, Long> peakRssByLabel(String name) {
    return Map.copyOf(peakRssByLabel.getOrDefault(name, Map.of()));
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
