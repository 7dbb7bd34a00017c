package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.ReadYourWritesProbe;
import java.util.Map;

/** Reads right after writes, with the consistency token the write answered. */
final class ReadYourWritesSection extends Section {
  ReadYourWritesSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    ReadYourWritesProbe.Result y = r.readYourWrites;
    md.raw(
        Template.render(
            "read-your-writes",
            Map.of(
                "measured",
                y == null
                    ? false
                    : Map.of(
                        "chains", f0(opts.d("rywChains")),
                        "outcomes", Markdown.of(t -> outcomes(t, y)),
                        "latencies", Markdown.of(t -> latencies(t, y))))));
  }

  private static void outcomes(Markdown t, ReadYourWritesProbe.Result y) {
    t.head(
        "rrrrrrr",
        "rounds",
        "from the replica",
        "from users",
        "stale",
        "wrong name",
        "unsatisfied",
        "failed");
    t.row(
        f0(y.rounds()),
        share(y.fromReplica(), y.rounds()),
        share(y.fromOwner(), y.rounds()),
        f0(y.stale()),
        f0(y.wrongName()),
        f0(y.unsatisfied()),
        f0(y.failed()));
  }

  private static void latencies(Markdown t, ReadYourWritesProbe.Result y) {
    t.head("lrrrr", "report read", "p50", "p95", "p99", "max");
    for (LatencyStats s : new LatencyStats[] {y.withToken(), y.withoutToken(), y.askOwner()}) {
      t.row(s.label(), Fmt.ms(s.p50()), Fmt.ms(s.p95()), Fmt.ms(s.p99()), Fmt.ms(s.max()));
    }
  }

  private static String share(long part, long whole) {
    return f0(part) + " (" + Fmt.pct(whole == 0 ? 0 : (double) part / whole) + ")";
  }
}
