package dev.stockroom.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The closed-loop load generator: {@code wrk} from the OS packages, with a Lua reporter. */
public final class Wrk {
  /** One wrk run: the latency stats plus what wrk counts apart. */
  public record Result(
      LatencyStats stats, long stale, long socketErrors, long non2xx, double bytesPerResponse) {}

  private final Path script;

  public Wrk(Path workDir) {
    try (InputStream in = Wrk.class.getResourceAsStream("/loadtest/report.lua")) {
      Files.createDirectories(workDir);
      script = workDir.resolve("report.lua");
      Files.write(script, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static boolean available() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor();
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Result run(
      String label, String url, String bearer, int threads, int connections, int seconds) {
    return run(label, url, List.of(), bearer, threads, connections, seconds);
  }

  /**
   * As {@link #run(String, String, String, int, int, int)}, with the threads spread over these
   * ports of the URL's host in turn (several instances of one service); none: the URL's own.
   */
  public Result run(
      String label,
      String url,
      List<Integer> spreadOverPorts,
      String bearer,
      int threads,
      int connections,
      int seconds) {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            "wrk",
            "-t" + threads,
            "-c" + connections,
            "-d" + seconds + "s",
            "--timeout",
            "5s",
            "-s",
            script.toString()));
    if (bearer != null) {
      cmd.add("-H");
      cmd.add("Authorization: " + bearer);
    }
    cmd.add(url);
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      if (!spreadOverPorts.isEmpty()) {
        pb.environment()
            .put(
                "WRK_PORTS",
                String.join(",", spreadOverPorts.stream().map(String::valueOf).toList()));
      }
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("wrk did not finish");
      }
      return parse(label, out);
    } catch (IOException e) {
      throw new UncheckedIOException("wrk failed (apt-get install -y wrk)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Result parse(String label, String output) {
    String line =
        output
            .lines()
            .filter(l -> l.startsWith("WRKJSON "))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("wrk printed no result:\n" + output));
    JsonObject j = new JsonObject(line.substring("WRKJSON ".length()));
    long socket =
        j.getLong("connect") + j.getLong("read") + j.getLong("write") + j.getLong("timeout");
    long non2xx = j.getLong("status");
    long requests = j.getLong("requests");
    List<double[]> curve = new ArrayList<>();
    JsonArray ps = j.getJsonArray("percentiles");
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
    double p999 = 0;
    for (int i = 0; i < ps.size(); i++) {
      JsonArray pair = ps.getJsonArray(i);
      double p = pair.getDouble(0);
      double ms = pair.getLong(1) / 1000.0;
      curve.add(new double[] {p, ms});
      if (p == 50) {
        p50 = ms;
      } else if (p == 95) {
        p95 = ms;
      } else if (p == 99) {
        p99 = ms;
      } else if (p == 99.9) {
        p999 = ms;
      }
    }
    LatencyStats stats =
        new LatencyStats(
            label,
            requests,
            socket + non2xx,
            j.getLong("durationUs") / 1e6,
            p50,
            p95,
            p99,
            p999,
            j.getLong("maxUs") / 1000.0,
            curve);
    return new Result(
        stats,
        j.getLong("stale"),
        socket,
        non2xx,
        requests == 0 ? 0 : j.getLong("bytes") / (double) requests);
  }
}
