package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.system.CpuWindow;
import dev.stockroom.loadtest.system.ServiceFleet;

/** The wrk runs: the bare baselines against the report on its two paths. */
final class ClosedLoopSection extends Section {
  ClosedLoopSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.heading("Closed loop: bare baseline vs the report (wrk)");
    if (r.closedLoop.isEmpty()) {
      md.notMeasured();
      return;
    }
    md.line(
        "wrk with "
            + r.closedLoop.get(0).connections()
            + " connections ("
            + opts.s("closedThreads")
            + " threads) for "
            + opts.s("closedSeconds")
            + " s per endpoint and round, "
            + opts.s("closedRounds")
            + " interleaved rounds (A B … B A: a machine that drifts weighs on every endpoint"
            + " alike), after warming each up until two 5 s windows agree within 5% (at most "
            + opts.s("warmupSeconds")
            + " s). req/s is the mean of the rounds, *spread* their (max − min) /"
            + " mean, flagged above 10%; latencies are from the round closest to the mean. A closed loop measures the ceiling: every connection sends"
            + " its next request as soon as the previous one is answered. *Stale* counts"
            + " responses whose copied data was flagged stale (an answer, but not the"
            + " freshness asked for). CPU is in cores (of "
            + nproc()
            + ").");
    md.line();
    md.head(
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
      md.row(
          c.what(),
          Fmt.bold(Fmt.f0(c.throughput())),
          String.join(" / ", c.rounds().stream().map(Fmt::f0).toList()),
          Fmt.pct(c.spread()) + (c.steady() ? "" : " ⚠"),
          Cells.latency(s, false),
          s.errors(),
          c.result().stale(),
          Cells.cores(c.cpu(), "PostgreSQL", server, "users", "load generator", CpuWindow.MACHINE));
    }
    md.line();
  }
}
