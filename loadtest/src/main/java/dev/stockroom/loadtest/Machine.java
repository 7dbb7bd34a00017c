package dev.stockroom.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine a run happened on, from /proc and the JVM. */
public record Machine(
    String cpuModel,
    int nproc,
    int cpuInfoProcessors,
    long memTotalKb,
    String kernel,
    String os,
    String java,
    String postgres,
    String postgresCommits,
    String kafka,
    String gatling,
    String wrk) {

  /**
   * @param postgresCommits how the server makes commits durable, e.g. {@code fsync on,
   *     synchronous_commit on} (runs before 2026-12-07 afternoon recorded none, and had both off)
   */
  public static Machine describe(
      String postgres, String postgresCommits, String gatling, String wrk) {
    List<String> cpuinfo = lines("/proc/cpuinfo");
    String model =
        cpuinfo.stream()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst()
            .orElse("unknown");
    int processors = (int) cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
    long mem =
        lines("/proc/meminfo").stream()
            .filter(l -> l.startsWith("MemTotal:"))
            .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
            .findFirst()
            .orElse(0L);
    String os =
        lines("/etc/os-release").stream()
            .filter(l -> l.startsWith("PRETTY_NAME="))
            .map(l -> l.substring(13).replace("\"", ""))
            .findFirst()
            .orElse(System.getProperty("os.name"));
    return new Machine(
        model,
        readNproc(),
        processors,
        mem,
        lines("/proc/sys/kernel/osrelease").stream().findFirst().orElse("unknown"),
        os,
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        postgres,
        postgresCommits,
        org.apache.kafka.common.utils.internals.AppInfoParser.getVersion(),
        gatling,
        wrk);
  }

  private static int readNproc() {
    try {
      Process p = new ProcessBuilder("nproc").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Integer.parseInt(out);
    } catch (IOException | RuntimeException e) {
      return Runtime.getRuntime().availableProcessors();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Runtime.getRuntime().availableProcessors();
    }
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException e) {
      return List.of();
    }
  }
}
