package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results.OpenRun;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every Gatling run in one table, then the assertions that failed. */
final class OpenModelSection extends Section {
  OpenModelSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    List<String> failed = new ArrayList<>();
    for (OpenRun o : r.open.values()) {
      for (String a : o.run().assertionLines()) {
        if (a.contains(": false")) {
          failed.add(o.label() + " — " + a);
        }
      }
    }
    md.raw(
        Template.render(
            "open-model",
            Map.of(
                "table", Markdown.of(this::table),
                "hasFailed", !failed.isEmpty(),
                "failed", failed)));
  }

  private void table(Markdown t) {
    t.head(
        "lrrrrrrrrrlrrrrrr",
        "run",
        "target /s",
        "achieved /s",
        "requests",
        "failed",
        "p50",
        "p95",
        "p99",
        "p99.9",
        "max",
        "assertions",
        "CPU: PostgreSQL",
        "inventory",
        "users",
        "orders",
        "Gatling",
        "machine");
    for (OpenRun o : r.open.values()) {
      LatencyStats g = o.run().global();
      t.row(
          o.label(),
          Fmt.f0(o.rate()),
          Fmt.f0(g.throughput()),
          Fmt.f0(g.requests()),
          g.errors(),
          Cells.latency(g, true),
          o.run().assertionsPassed() ? "held" : "**failed**",
          Cells.cores(
              o.cpu(),
              "PostgreSQL",
              "inventory",
              "users",
              "orders",
              "load generator",
              CpuWindow.MACHINE));
    }
  }
}
