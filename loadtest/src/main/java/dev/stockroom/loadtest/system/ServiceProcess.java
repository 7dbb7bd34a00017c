package dev.stockroom.loadtest.system;

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
 * One service (or the baseline server) as its own JVM, the way it runs in production: {@code java
 * <jvm args> -jar service.jar} configured only by environment variables, its output in a log file.
 * Can be stopped (SIGTERM), killed (SIGKILL) and started again with the same settings.
 */
public final class ServiceProcess {
  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private final int port;
  private Process process;
  private long peakRssKb;
  private final List<Long> pastPids = new ArrayList<>();

  public ServiceProcess(
      String name, List<String> command, Map<String, String> env, Path log, int port) {
    this.name = name;
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.log = log;
    this.port = port;
  }

  /** {@code java <jvmArgs> -jar jar}, with the JVM running this harness. */
  public static List<String> javaJar(List<String> jvmArgs, Path jar) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(jvmArgs);
    cmd.add("-jar");
    cmd.add(jar.toString());
    return cmd;
  }

  public static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://localhost:" + port;
  }

  public Path log() {
    return log;
  }

  public List<String> command() {
    return command;
  }

  /** The same JVM under another name and port, with some variables added or replaced. */
  public ServiceProcess variant(String variantName, int variantPort, Map<String, String> changes) {
    Map<String, String> changed = new java.util.HashMap<>(env);
    changed.putAll(changes);
    changed.put("HTTP_PORT", String.valueOf(variantPort));
    return new ServiceProcess(
        variantName, command, changed, log.resolveSibling(variantName + ".log"), variantPort);
  }

  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      Files.createDirectories(log.getParent());
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  /** Waits for {@code /health/ready} to answer 200 (or the process to die). */
  public void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + " while starting; see " + log);
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url() + "/health/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      pause(100);
    }
    throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** SIGKILL: the crash the fault scenario injects. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    sampleRss();
    pastPids.add(process.pid());
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
  }

  /**
   * SIGTERM and wait for the orderly stop; SIGKILL after the timeout. Returns whether it stopped
   * within the timeout by itself (true too when it was not running).
   */
  public synchronized boolean stop(Duration timeout) {
    if (process == null || !process.isAlive()) {
      return true;
    }
    sampleRss();
    process.destroy();
    if (!waitFor(timeout)) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(10));
      return false;
    }
    return true;
  }

  /** Samples resident memory; the peak over all samples is kept. Returns {rss, hwm} KiB. */
  public synchronized long[] sampleRss() {
    if (process == null || !process.isAlive()) {
      return new long[] {0, 0};
    }
    long[] r = ProcStats.rssKb(process.pid());
    peakRssKb = Math.max(peakRssKb, Math.max(r[0], r[1]));
    return r;
  }

  public synchronized long peakRssKb() {
    return peakRssKb;
  }

  public synchronized double cpuSeconds() {
    return process == null || !process.isAlive() ? 0 : ProcStats.cpuSeconds(process.pid(), false);
  }

  /** How many lines of the log (all runs) contain {@code text}. */
  public int count(String text) {
    try {
      if (!Files.exists(log)) {
        return 0;
      }
      try (var lines = Files.lines(log)) {
        return (int) lines.filter(l -> l.contains(text)).count();
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** How often the log shows "Terminating due to java.lang.OutOfMemoryError" (all runs). */
  public int outOfMemoryCount() {
    try {
      if (!Files.exists(log)) {
        return 0;
      }
      return (int)
          Files.readAllLines(log).stream()
              .filter(l -> l.contains("Terminating due to java.lang.OutOfMemoryError"))
              .count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** The exit code if the process has ended by itself (not by the harness), else null. */
  public synchronized Integer exitCode() {
    return process == null || process.isAlive() ? null : process.exitValue();
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
