package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.system.CpuWindow;
import dev.stockroom.loadtest.system.ServiceFleet;
import java.util.Map;

/** The wrk runs: the bare baselines against the report on its two paths. */
final class ClosedLoopSection extends Section {
  ClosedLoopSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.raw(
        Template.render(
            "closed-loop",
            Map.of(
                "measured",
                r.closedLoop.isEmpty()
                    ? false
                    : Map.of(
                        "connections", r.closedLoop.get(0).connections(),
                        "threads", opts.s("closedThreads"),
                        "seconds", opts.s("closedSeconds"),
                        "rounds", opts.s("closedRounds"),
                        "warmup", opts.s("warmupSeconds"),
                        "nproc", nproc(),
                        "table", Markdown.of(this::table)))));
  }

  private void table(Markdown t) {
    t.head(
        "lrrrrrrrrrrrrrrr",
        "endpoint",
        "req/s",
        "rounds",
        "spread",
        "p50",
        "p95",
        "p99",
        "p99.9",
        "max",
        "errors",
        "stale",
        "CPU: PostgreSQL",
        "server",
        "users",
        "wrk",
        "machine");
    for (ClosedLoop c : r.closedLoop) {
      LatencyStats s = c.result().stats();
      // The baselines are their own servers; every other endpoint is served by inventory.
      String server = ServiceFleet.BASELINES.contains(c.label()) ? c.label() : "inventory";
      t.row(
          c.what(),
          Fmt.bold(Fmt.f0(c.throughput())),
          String.join(" / ", c.rounds().stream().map(Fmt::f0).toList()),
          Fmt.pct(c.spread()) + (c.steady() ? "" : " ⚠"),
          Cells.latency(s, false),
          s.errors(),
          c.result().stale(),
          Cells.cores(c.cpu(), "PostgreSQL", server, "users", "load generator", CpuWindow.MACHINE));
    }
  }
}
