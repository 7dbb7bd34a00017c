package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.GatlingRunner;
import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.RunRecorder;
import dev.stockroom.loadtest.Wrk;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Single measurements (a wrk run, a Gatling run, an orders count...) for {@link ReportFixtures}.
 */
final class MeasurementFixtures {
  private MeasurementFixtures() {}

  static Map<String, Double> cpu(double pg, String server, double serverCores) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("PostgreSQL", pg);
    m.put(server, serverCores);
    m.put("load generator", 0.3);
    m.put("whole machine", 1.95);
    return m;
  }

  static Map<String, Double> openCpu() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("PostgreSQL", 0.8);
    m.put("inventory", 0.5);
    m.put("users", 0.1);
    m.put("orders", 0.2);
    m.put("load generator", 0.35);
    m.put("whole machine", 1.99);
    return m;
  }

  static Results.ClosedLoop closed(
      String label, String what, double rps, double p99, Map<String, Double> cpu) {
    return new Results.ClosedLoop(
        label,
        what,
        32,
        new Wrk.Result(stats(label, (long) (rps * 10), 0, 10, p99), 5, 0, 0, 13000),
        cpu);
  }

  /** A closed loop over several rounds; latencies from the first, at the mean throughput. */
  static Results.ClosedLoop rounds(
      String label,
      String what,
      double p99,
      Map<String, Double> cpu,
      double statementMillis,
      double... rounds) {
    double mean = java.util.Arrays.stream(rounds).average().orElse(0);
    return new Results.ClosedLoop(
        label,
        what,
        32,
        new Wrk.Result(stats(label, (long) (mean * 10), 0, 10, p99), 5, 0, 0, 13000),
        cpu,
        java.util.Arrays.stream(rounds).boxed().toList(),
        statementMillis,
        List.of());
  }

  static LatencyStats stats(String label, long requests, long errors, double seconds, double p99) {
    return new LatencyStats(
        label,
        requests,
        errors,
        seconds,
        p99 / 3,
        p99 / 2,
        p99,
        p99 * 2,
        p99 * 3,
        List.of(new double[] {0, p99 / 4}, new double[] {50, p99 / 3}, new double[] {99, p99}));
  }

  static Results.OpenRun open(
      String key, String label, double rate, RunRecorder rec, Map<String, Double> cpu, Path root) {
    return new Results.OpenRun(
        key,
        label,
        rate,
        run(key, rec, true, List.of("ok: true"), root.resolve("loadtest/target/bench/" + key)),
        cpu,
        List.of(),
        0);
  }

  static GatlingRunner.Run run(
      String label, RunRecorder rec, boolean passed, List<String> assertions, Path reportDir) {
    return new GatlingRunner.Run(
        label, "Sim", passed ? 0 : 2, passed, assertions, reportDir, rec.toJson(30.0), 40, 0);
  }

  /** One request name, a spread of response times, a few failures. */
  static RunRecorder read(String name, int count, long slow) {
    RunRecorder rec = new RunRecorder(0);
    for (int i = 0; i < count; i++) {
      rec.record(name, i * 10L, i % 100 == 0 ? slow * 10 : 1L + i % slow, i % 500 != 7);
    }
    return rec;
  }

  /** Requests named after the fault windows, one kind or several. */
  static RunRecorder phases(String... kinds) {
    RunRecorder rec = new RunRecorder(0);
    for (int i = 0; i < 3000; i++) {
      String phase = i < 1000 ? "before" : i < 2000 ? "during" : "after";
      String kind = kinds[i % kinds.length];
      boolean failed = phase.equals("during") && kind.equals("order") && i % 7 == 0;
      rec.record(kind + " [" + phase + "]", i * 10L, failed ? null : 3L + i % 5, !failed);
    }
    return rec;
  }

  static Results.Orders orders(boolean soldOut, boolean oversold, long poolBusy, double perSec) {
    return new Results.Orders(
        ordered("confirmed", 900L, "rejected", 100L),
        soldOut ? ordered("out_of_stock", 100L, "no_credit", 3L) : Map.of(),
        1000,
        oversold ? 1001 : 900,
        900,
        900,
        false,
        perSec * 0.8,
        perSec,
        soldOut ? 7.5 : 30,
        0,
        List.of("HOT-1: 180 sold", "HOT-2: 180 sold"),
        soldOut,
        poolBusy);
  }

  /** Printed maps need a fixed order; Map.of's changes from one JVM to the next. */
  static Map<String, Long> ordered(String k1, long v1, String k2, long v2) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  static Results.Memory memory(
      String service, List<String> crashed, boolean oom, Map<String, Long> peaks) {
    return new Results.Memory(
        service,
        "256m",
        new LinkedHashMap<>(peaks),
        peaks.values().stream().mapToLong(Long::longValue).max().orElse(0),
        280_000,
        oom,
        null,
        crashed);
  }
}
