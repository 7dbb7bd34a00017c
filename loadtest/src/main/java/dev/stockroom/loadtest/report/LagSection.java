package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;

import dev.stockroom.loadtest.LagProbe;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.Map;

/** The replication lag probe: from a user's change to inventory's report showing it. */
final class LagSection extends Section {
  LagSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    LagProbe.Result l = r.lag;
    md.raw(
        Template.render(
            "lag",
            Map.of(
                "measured",
                l == null
                    ? false
                    : Map.of(
                        "probes",
                        r.seed == null ? "?" : String.valueOf(r.seed.plan().probes()),
                        "meanPoll",
                        Fmt.f1(l.meanPollMs()),
                        "polls",
                        f0(l.polls()),
                        "gap",
                        opts.s("lagPollGapMs"),
                        "warmup",
                        opts.s("lagWarmupSeconds"),
                        "table",
                        Markdown.of(t -> table(t, l))))));
  }

  private void table(Markdown t, LagProbe.Result l) {
    t.head(
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
    t.row(
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
  }
}
