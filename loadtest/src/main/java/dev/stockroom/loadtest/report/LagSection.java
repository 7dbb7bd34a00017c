package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;

import dev.stockroom.loadtest.LagProbe;
import dev.stockroom.loadtest.system.CpuWindow;

/** The replication lag probe: from a user's change to inventory's report showing it. */
final class LagSection extends Section {
  LagSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.heading("Replication lag: how long until a user change shows in inventory's report");
    if (r.lag == null) {
      md.notMeasured();
      return;
    }
    LagProbe.Result l = r.lag;
    md.line(
        "The probe changes the names of "
            + (r.seed == null ? "?" : String.valueOf(r.seed.plan().probes()))
            + " people through `PATCH /users/{id}` at a steady rate (round robin, each name"
            + " carrying a sequence number) and reads inventory's low-stock report back to"
            + " back (the page of items those people restocked, `stocker=` filter, default"
            + " budget: the replica). A change counts as visible when a report shows that name or"
            + " a later one; its lag runs from sending the PATCH to receiving that report, so it"
            + " includes the write itself and up to one poll (mean poll "
            + Fmt.f1(l.meanPollMs())
            + " ms, "
            + f0(l.polls())
            + " polls). Path: users' transaction writes the outbox row → NOTIFY wakes the relay"
            + " → Kafka → inventory's consumer applies it → the next report shows it."
            + " HdrHistogram, microsecond resolution.");
    md.line();
    md.head(
        "rrrrrrrrrrrrrrrrrr",
        "updates sent",
        "target /s",
        "achieved /s",
        "failed writes",
        "never seen",
        "visible p50",
        "p95",
        "p99",
        "p99.9",
        "max",
        "PATCH p50",
        "PATCH p99",
        "CPU: PostgreSQL",
        "users",
        "inventory",
        "orders",
        "harness: probe, Kafka",
        "machine");
    md.row(
        f0(l.sent()),
        f0(l.targetRate()),
        f0(l.achievedRate()),
        l.failedWrites(),
        l.unseen(),
        Cells.latency(l.lag(), true),
        Fmt.ms(l.writes().p50()),
        Fmt.ms(l.writes().p99()),
        Cells.cores(
            r.lagCpu,
            "PostgreSQL",
            "users",
            "inventory",
            "orders",
            "harness + Kafka",
            CpuWindow.MACHINE));
    md.line();
  }
}
