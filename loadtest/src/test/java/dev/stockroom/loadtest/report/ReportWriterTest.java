package dev.stockroom.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.loadtest.BenchOptions;
import dev.stockroom.loadtest.GatlingRunner;
import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Machine;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.RunRecorder;
import dev.stockroom.loadtest.Wrk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  @TempDir Path dir;

  @Test
  void writesTheSummaryTablesAndThePlot() throws Exception {
    BenchOptions opts = BenchOptions.parse(dir, "--quick");
    Results r = new Results();
    r.mode = "quick";
    r.command = opts.command();
    r.startedAt = "2026-11-25T12:00:00Z";
    r.totalSeconds = 300;
    r.options = opts.values();
    r.machine =
        new Machine(
            "Test CPU",
            2,
            2,
            24_000_000,
            "6.1",
            "Debian",
            "Java 17",
            "16.10",
            "4.4.0",
            "3.14.9",
            "wrk 4.1.0");
    Map<String, Double> cpu = Map.of("PostgreSQL", 1.1, "inventory", 0.5, "whole machine", 1.9);
    r.closedLoop.add(closed("baseline", 6400, 10));
    r.closedLoop.add(closed("replica", 5200, 12));
    r.closedLoop.add(closed("owner", 1500, 40));

    RunRecorder rec = new RunRecorder(0);
    for (int i = 0; i < 3000; i++) {
      String phase = i < 1000 ? "before" : i < 2000 ? "during" : "after";
      rec.record("report replica [" + phase + "]", i * 10L, 3L + i % 5, true);
    }
    GatlingRunner.Run run =
        new GatlingRunner.Run("read", "Sim", 0, true, List.of(), dir, rec.toJson(30.0), 40, 0);
    r.open.put(
        "read-users-killed",
        new Results.OpenRun(
            "read-users-killed",
            "LowStockRead, users killed",
            100,
            run,
            cpu,
            List.of("t=10 s: x"),
            0));

    new ReportWriter(r, opts).write();

    String md = Files.readString(dir.resolve("BENCHMARKS.md"));
    assertThat(md).contains("# Stockroom benchmarks");
    assertThat(md).contains("5,200 vs 6,400 req/s = **81%**");
    assertThat(md).contains("3.5×");
    assertThat(md).contains("| during | 1,000 | 0 | 0.00% |");
    assertThat(md).contains("Test CPU");
    assertThat(md).contains("loadtest/run-benchmarks.sh --quick");
    assertThat(md).contains("not measured");
    assertThat(Files.size(dir.resolve("loadtest").resolve(ReportWriter.PLOT))).isGreaterThan(1000);
  }

  @Test
  void phaseOfARequestName() {
    assertThat(ReportWriter.phaseOf("report [during]")).isEqualTo("during");
    assertThat(ReportWriter.phaseOf("report")).isEqualTo("all");
  }

  private static Results.ClosedLoop closed(String label, double rps, double p99) {
    LatencyStats s =
        new LatencyStats(
            label,
            (long) (rps * 10),
            0,
            10,
            p99 / 3,
            p99 / 2,
            p99,
            p99 * 2,
            p99 * 3,
            List.of(new double[] {50, p99 / 3}, new double[] {99, p99}));
    return new Results.ClosedLoop(
        label, label, 32, new Wrk.Result(s, 0, 0, 0, 13000), Map.of("whole machine", 2.0));
  }
}
