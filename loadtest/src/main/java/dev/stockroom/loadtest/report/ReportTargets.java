package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;
import static dev.stockroom.loadtest.report.Fmt.ms;
import static dev.stockroom.loadtest.report.Runs.throughput;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.Results.OpenRun;

/** The summary rows about the report endpoint: throughput against the baselines, and p99. */
final class ReportTargets extends TargetRows {
  ReportTargets(Report report) {
    super(report);
  }

  @Override
  void write() {
    ClosedLoop replica = r.closed("replica");
    ClosedLoop owner = r.closed("owner");
    replicaVsOwner(replica, owner);
    p99VsOwner(replica, owner);
    reportAtTarget();
  }

  private void replicaVsOwner(ClosedLoop replica, ClosedLoop owner) {
    if (owner == null || replica == null) {
      target("replica ≥ 3× the throughput of PT0S", "not measured", null);
      return;
    }
    double ratio = throughput(replica) / throughput(owner);
    target(
        "replica path ≥ 3× the throughput of `maxStaleness=PT0S` (same wrk run)",
        f0(throughput(replica))
            + " vs "
            + f0(throughput(owner))
            + " req/s = **"
            + Fmt.f1(ratio)
            + "×**",
        ratio >= 3);
  }

  private void p99VsOwner(ClosedLoop replica, ClosedLoop owner) {
    OpenRun cr = r.open.get("compare-replica");
    OpenRun co = r.open.get("compare-owner");
    if (cr == null || co == null) {
      target("replica p99 ≤ ⅓ of PT0S's", "not measured", null);
      return;
    }
    double a = cr.run().global().p99();
    double b = co.run().global().p99();
    target(
        "replica p99 ≤ ⅓ of `maxStaleness=PT0S`'s (open model, both at "
            + f0(cr.rate())
            + " req/s)",
        "p99 "
            + ms(a)
            + " vs "
            + ms(b)
            + (owner != null && replica != null
                ? "; closed loop p99 "
                    + ms(replica.result().stats().p99())
                    + " vs "
                    + ms(owner.result().stats().p99())
                : ""),
        a * 3 <= b);
  }

  private void reportAtTarget() {
    OpenRun target = r.open.get("report-target");
    if (target == null) {
      target("open model at the target rate", "not measured", null);
      return;
    }
    LatencyStats g = target.run().global();
    // Gatling falling behind its schedule is a miss too: the rate was not offered.
    boolean kept = g.throughput() >= 0.95 * target.rate();
    target(
        "open model at "
            + f0(target.rate())
            + " req/s for "
            + f0(Runs.plannedSeconds(target))
            + " s on the report: p99 ≤ "
            + opts.s("reportP99Ms")
            + " ms, 0 errors",
        "Gatling sent "
            + f0(g.throughput())
            + " req/s; p99 **"
            + ms(g.p99())
            + "**, "
            + f0(g.errors())
            + " of "
            + f0(g.requests())
            + " failed ("
            + Fmt.pct2(g.errorPercent())
            + ")"
            + (Runs.crashedIn(r, Scenarios.REPORT_AT_TARGET)
                ? "; inventory died of OutOfMemoryError during the ramp-up"
                : "")
            + (target.run().assertionsPassed() ? "" : "; Gatling assertions failed"),
        kept && g.p99() <= opts.d("reportP99Ms") && g.errors() == 0);
  }
}
