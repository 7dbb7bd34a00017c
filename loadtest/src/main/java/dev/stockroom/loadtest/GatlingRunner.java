package dev.stockroom.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one simulation the ordinary way, through the Maven wrapper and the gatling-maven-plugin
 * ({@code ./mvnw -o -f loadtest/pom.xml -Pbenchmark gatling:test}), so every number comes from a
 * plain Gatling run with its HTML report and its assertions deciding the exit code.
 */
public final class GatlingRunner {
  /** A finished run: what the simulation recorded, its report, and whether assertions held. */
  public record Run(
      String label,
      String simulation,
      int exitCode,
      boolean assertionsPassed,
      List<String> assertionLines,
      Path reportDir,
      JsonObject recorded,
      double wallSeconds,
      double cpuSeconds) {

    public LatencyStats global() {
      return RunRecorder.stats(label, recorded.getJsonObject("global"), seconds());
    }

    public double seconds() {
      return recorded.getDouble("seconds", 0.0);
    }

    /** Per request name (as recorded, window suffix included). */
    public Map<String, LatencyStats> requests() {
      Map<String, LatencyStats> map = new LinkedHashMap<>();
      JsonObject r = recorded.getJsonObject("requests", new JsonObject());
      for (String name : r.fieldNames()) {
        map.put(name, RunRecorder.stats(name, r.getJsonObject(name), seconds()));
      }
      return map;
    }
  }

  /** A run in progress. */
  public final class Handle {
    private final String label;
    private final String simulation;
    private final Process process;
    private final Path startFile;
    private final Path statsFile;
    private final Path log;
    private final Path results;
    private final long startNanos = System.nanoTime();

    private Handle(
        String label,
        String simulation,
        Process process,
        Path startFile,
        Path statsFile,
        Path log,
        Path results) {
      this.label = label;
      this.simulation = simulation;
      this.process = process;
      this.startFile = startFile;
      this.statsFile = statsFile;
      this.log = log;
      this.results = results;
    }

    public long pid() {
      return process.pid();
    }

    /** Blocks until the load has started; returns its start time (epoch millis). */
    public long awaitLoadStart(long timeoutSeconds) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (System.nanoTime() < deadline) {
        try {
          if (Files.exists(startFile) && Files.size(startFile) > 0) {
            return Long.parseLong(Files.readString(startFile).trim());
          }
        } catch (IOException | NumberFormatException e) {
          // being written
        }
        if (!process.isAlive()) {
          throw new IllegalStateException(
              label + ": Gatling ended before the load started; see " + log);
        }
        Seeder.sleep(20);
      }
      throw new IllegalStateException(label + ": the load did not start; see " + log);
    }

    public Run await(long timeoutSeconds) {
      try {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(label + ": Gatling did not finish; see " + log);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      double wall = (System.nanoTime() - startNanos) / 1e9;
      String output = read(log);
      List<String> assertions =
          output
              .lines()
              .filter(l -> l.matches("^(Global|Details|ForAll).*: (true|false) \\(actual.*"))
              .toList();
      boolean passed =
          process.exitValue() == 0 && assertions.stream().noneMatch(l -> l.contains(": false"));
      if (!Files.exists(statsFile)) {
        throw new IllegalStateException(
            label + ": Gatling failed (exit " + process.exitValue() + "); see " + log);
      }
      return new Run(
          label,
          simulation,
          process.exitValue(),
          passed,
          assertions,
          newestReport(results),
          new JsonObject(read(statsFile)),
          wall,
          0);
    }
  }

  private final Path root;
  private final Path workDir;

  /**
   * @param root the project root (where mvnw is)
   * @param workDir where logs, start markers, recorded numbers and Gatling's reports go
   */
  public GatlingRunner(Path root, Path workDir) {
    this.root = root;
    this.workDir = workDir;
  }

  public Handle start(String label, String simulationClass, Map<String, String> properties) {
    String slug = label.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    Path dir = workDir.resolve(slug);
    Path results = workDir.resolve("gatling");
    Path startFile = dir.resolve("start");
    Path statsFile = dir.resolve("recorded.json");
    Path log = dir.resolve("gatling.log");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(startFile);
      Files.deleteIfExists(statsFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("mvnw").toString());
    cmd.addAll(
        List.of(
            "-o",
            "-q",
            "-f",
            root.resolve("loadtest/pom.xml").toString(),
            "-Pbenchmark",
            // gatling:test forks test-compile, with the build's format check: a source file
            // edited while a run goes on must not stop every later Gatling run (2026-12-05).
            "-Dspotless.check.skip=true",
            "gatling:test",
            "-Dgatling.simulationClass=" + simulationClass,
            "-Dgatling.resultsFolder=" + results,
            "-Dgatling.runDescription=" + label,
            "-Dbench.startFile=" + startFile,
            "-Dbench.statsFile=" + statsFile));
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    try {
      return new Handle(label, simulationClass, pb.start(), startFile, statsFile, log, results);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start Gatling through " + cmd.get(0), e);
    }
  }

  private static Path newestReport(Path results) {
    try (Stream<Path> dirs = Files.list(results)) {
      return dirs.filter(Files::isDirectory)
          .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
