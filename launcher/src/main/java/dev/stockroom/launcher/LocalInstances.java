package dev.stockroom.launcher;

import dev.stockroom.embedded.LocalBalancer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code dev --instances N}: every service as N JVMs of its own (this launcher's classpath, the
 * service's main class, the environment its jar would get), instance k on the service's port + 100
 * k, behind a {@link LocalBalancer} on the service's usual port, as behind a Kubernetes Service.
 * Instances of a service share its database and consumer group; each can be killed by hand ({@code
 * kill -9 PID}) to watch the others carry on.
 */
final class LocalInstances implements AutoCloseable {
  static final int MAX = 9;
  private static final Duration READY = Duration.ofSeconds(180);

  /** One running instance and where it writes its log. */
  record Instance(String name, int port, Process process, Path log) {}

  private Vertx vertx; // for the balancers, once there are instances
  private final List<LocalBalancer> balancers = new ArrayList<>();
  // In start order; read by the shutdown hook's thread too.
  private final List<Instance> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean closing; // an instance that exits after this was stopped by close()

  static int port(int servicePort, int index) {
    return servicePort + 100 * index;
  }

  /** Starts the balancer on {@code port}, then {@code count} instances, and waits for them. */
  void start(
      String service,
      String mainClass,
      int port,
      int count,
      Map<Integer, Map<String, String>> envByPort,
      Path logDir,
      Progress progress) {
    List<Integer> ports = new ArrayList<>();
    for (int k = 1; k <= count; k++) {
      ports.add(port(port, k));
    }
    if (vertx == null) {
      vertx = Vertx.vertx();
      // A launcher stopped before its banner (a signal during the start, before it waits for
      // Ctrl-C) or failing to start ran no close(): its instances went on without it, holding
      // their ports for the next start. They are stopped as the JVM exits, whatever ends it.
      Runtime.getRuntime()
          .addShutdownHook(new Thread(this::stopLeftovers, "stockroom-instances-stop"));
    }
    balancers.add(LocalBalancer.start(vertx, port, ports).await());
    List<Instance> started = new ArrayList<>();
    for (int k = 1; k <= count; k++) {
      Instance instance =
          launch(
              service + "-" + k,
              mainClass,
              ports.get(k - 1),
              envByPort.get(ports.get(k - 1)),
              logDir);
      // Known at once: the shutdown hook stops what was launched, also before it was ready.
      instances.add(instance);
      started.add(instance);
    }
    for (Instance i : started) {
      Progress.Step step = progress.start(i.name());
      awaitReady(i);
      step.done("up on " + i.port() + ", pid " + i.process().pid() + ", log " + i.log());
      reportExit(i, port, progress);
    }
  }

  /**
   * An instance that dies while the system runs (killed by hand, out of memory, a crash) is said at
   * once: otherwise the only sign is its log stopping while the balancer quietly routes around it.
   */
  private void reportExit(Instance i, int servicePort, Progress progress) {
    i.process()
        .onExit()
        .thenAccept(
            p -> {
              if (!closing) {
                progress.line(
                    i.name()
                        + " (pid "
                        + p.pid()
                        + ") exited with code "
                        + p.exitValue()
                        + "; the balancer on "
                        + servicePort
                        + " sends its requests to the other instances; its log: "
                        + i.log());
              }
            });
  }

  private static Instance launch(
      String name, String mainClass, int port, Map<String, String> env, Path logDir) {
    ProcessBuilder pb = command(mainClass, env);
    Path log = logDir.resolve(name + ".log");
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      Files.createDirectories(logDir);
      return new Instance(name, port, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  /**
   * The instance's JVM with exactly {@code env}: a process builder starts from the launcher's own
   * environment, so what {@link ServiceEnv} leaves out (the shell's key settings, a management
   * port) reached the instances anyway, and they refused the launcher's tokens or did not start. It
   * runs the service's main under {@link InstanceMain}, which stops it if the launcher dies.
   */
  static ProcessBuilder command(String mainClass, Map<String, String> env) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            InstanceMain.class.getName(),
            mainClass,
            Long.toString(ProcessHandle.current().pid()));
    pb.environment().keySet().retainAll(env.keySet());
    pb.environment().putAll(env);
    return pb;
  }

  private static void awaitReady(Instance i) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://localhost:" + i.port() + "/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + READY.toNanos();
    while (System.nanoTime() < deadline) {
      if (!i.process().isAlive()) {
        throw new StartupException(
            i.name()
                + " exited with "
                + i.process().exitValue()
                + " while starting: see "
                + i.log());
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StartupException(i.name() + ": interrupted while starting", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StartupException(i.name() + ": interrupted while starting", e);
      }
    }
    throw new StartupException(i.name() + " was not ready within " + READY + ": see " + i.log());
  }

  List<Instance> instances() {
    return List.copyOf(instances);
  }

  /** The instances still running when the JVM exits: asked to stop, then killed. */
  private void stopLeftovers() {
    closing = true;
    List<Process> left =
        instances.stream().map(Instance::process).filter(Process::isAlive).toList();
    left.forEach(Process::destroy);
    for (Process p : left) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  /** SIGTERM to each, the last started first, then the balancers. */
  @Override
  public void close() {
    closing = true;
    for (int k = instances.size() - 1; k >= 0; k--) {
      Process p = instances.get(k).process();
      p.destroy();
      try {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }
}
