package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results.OpenRun;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.ArrayList;
import java.util.List;

/** Every Gatling run in one table, then the assertions that failed. */
final class OpenModelSection extends Section {
  OpenModelSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.heading("Open model (Gatling, constant arrival rate)");
    md.line(
        "Each run injects new requests at a fixed rate whether or not earlier ones were"
            + " answered (`constantUsersPerSec`, one request per virtual user, keep-alive"
            + " connections shared), so queueing shows up as latency instead of being hidden."
            + " Gatling measures whole milliseconds. *achieved* is requests over the time"
            + " Gatling actually spent sending (below the target rate when Gatling itself could"
            + " not keep up). Each run has assertions (p99, error rate) that fail the Gatling"
            + " run when broken; the HTML reports are listed at the end.");
    md.line();
    md.head(
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
      md.row(
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
    md.line();
    failedAssertions();
  }

  private void failedAssertions() {
    List<String> failed = new ArrayList<>();
    for (OpenRun o : r.open.values()) {
      for (String a : o.run().assertionLines()) {
        if (a.contains(": false")) {
          failed.add(o.label() + " — " + a);
        }
      }
    }
    if (!failed.isEmpty()) {
      md.line("Assertions that failed (Gatling's own words):");
      md.line();
      failed.forEach(md::bullet);
      md.line();
    }
  }
}
