package dev.stockroom.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Machine-readable numbers of one Gatling run, recorded by the simulation itself next to Gatling's
 * own report (which since Gatling 3.12 is HTML over a binary log): per request name the count,
 * failures and response-time percentiles (Gatling measures whole milliseconds), and per second of
 * the run the count, failures and p99 — the timeline the fault scenarios are read from.
 */
public final class RunRecorder {
  private static final long MAX_MS = 600_000;

  private static final class Series {
    final Histogram histogram = new Histogram(MAX_MS, 3);
    long ok;
    long ko;
    long noResponse;

    void add(Long ms, boolean success) {
      if (success) {
        ok++;
      } else {
        ko++;
      }
      if (ms == null) {
        noResponse++;
      } else {
        histogram.recordValue(Math.min(Math.max(ms, 0), MAX_MS));
      }
    }
  }

  private final Map<String, Series> byName = new TreeMap<>();
  private final Series all = new Series();
  private final Map<Long, Series> bySecond = new TreeMap<>();
  private final long startMillis;
  private long firstSent = Long.MAX_VALUE;
  private long lastSent = Long.MIN_VALUE;

  public RunRecorder(long startMillis) {
    this.startMillis = startMillis;
  }

  /**
   * One request: its name, when it was sent, its response time (null when no response came back)
   * and whether Gatling counted it OK.
   */
  public synchronized void record(String name, long sentAtMillis, Long responseMillis, boolean ok) {
    firstSent = Math.min(firstSent, sentAtMillis);
    lastSent = Math.max(lastSent, sentAtMillis);
    byName.computeIfAbsent(name, n -> new Series()).add(responseMillis, ok);
    all.add(responseMillis, ok);
    long second = Math.max(0, (sentAtMillis - startMillis) / 1000);
    bySecond.computeIfAbsent(second, s -> new Series()).add(responseMillis, ok);
  }

  public synchronized JsonObject toJson(double seconds) {
    JsonObject requests = new JsonObject();
    byName.forEach((name, s) -> requests.put(name, json(s)));
    JsonArray timeline = new JsonArray();
    bySecond.forEach(
        (second, s) ->
            timeline.add(
                new JsonObject()
                    .put("second", second)
                    .put("count", s.ok + s.ko)
                    .put("ko", s.ko)
                    .put("p50", value(s.histogram, 50))
                    .put("p99", value(s.histogram, 99))
                    .put("max", s.histogram.getTotalCount() == 0 ? 0 : s.histogram.getMaxValue())));
    double span = lastSent < firstSent ? 0 : (lastSent - firstSent) / 1000.0;
    // Gatling may fall behind its schedule on a busy machine: the rate it achieved is over the
    // longer of the planned duration and the time it actually spent sending.
    return new JsonObject()
        .put("seconds", Math.max(seconds, span))
        .put("plannedSeconds", seconds)
        .put("sendSpanSeconds", span)
        .put("global", json(all))
        .put("requests", requests)
        .put("timeline", timeline);
  }

  public void write(Path file, double seconds) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, toJson(seconds).encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject json(Series s) {
    Histogram h = s.histogram;
    JsonArray curve = new JsonArray();
    for (double p : LatencyStats.CURVE) {
      curve.add(new JsonArray().add(p).add(value(h, p)));
    }
    return new JsonObject()
        .put("count", s.ok + s.ko)
        .put("ok", s.ok)
        .put("ko", s.ko)
        .put("noResponse", s.noResponse)
        .put("p50", value(h, 50))
        .put("p95", value(h, 95))
        .put("p99", value(h, 99))
        .put("p999", value(h, 99.9))
        .put("max", h.getTotalCount() == 0 ? 0 : h.getMaxValue())
        .put("mean", h.getTotalCount() == 0 ? 0 : h.getMean())
        .put("curve", curve);
  }

  private static long value(Histogram h, double p) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(p);
  }

  /** Reads one series of a recorded run back as {@link LatencyStats}. */
  public static LatencyStats stats(String label, JsonObject series, double seconds) {
    java.util.List<double[]> curve = new java.util.ArrayList<>();
    JsonArray c = series.getJsonArray("curve", new JsonArray());
    for (int i = 0; i < c.size(); i++) {
      curve.add(new double[] {c.getJsonArray(i).getDouble(0), c.getJsonArray(i).getDouble(1)});
    }
    return new LatencyStats(
        label,
        series.getLong("count"),
        series.getLong("ko"),
        seconds,
        series.getDouble("p50"),
        series.getDouble("p95"),
        series.getDouble("p99"),
        series.getDouble("p999"),
        series.getDouble("max"),
        curve);
  }
}
