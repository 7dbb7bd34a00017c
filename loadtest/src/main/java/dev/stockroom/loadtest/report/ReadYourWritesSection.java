package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.ReadYourWritesProbe;

/** Reads right after writes, with the consistency token the write answered. */
final class ReadYourWritesSection extends Section {
  ReadYourWritesSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.heading("Read your own writes: the report right after a rename, with the writer's token");
    ReadYourWritesProbe.Result y = r.readYourWrites;
    if (y == null) {
      md.notMeasured();
      return;
    }
    md.line(
        "Each round renames a probe person through `PATCH /users/{id}`, then at once reads the"
            + " report page that shows them with the `Stockroom-Consistency` token the PATCH"
            + " answered (default `consistencyWait`, 200 ms), then the same page without a token"
            + " and with `maxStaleness=PT0S`; "
            + f0(opts.d("rywChains"))
            + " chains of rounds at once, one round after the other. The token's read must show"
            + " the new name: from the replica once the consumer caught up (woken, not polling),"
            + " else from users.");
    md.line();
    md.head(
        "rrrrrrr",
        "rounds",
        "from the replica",
        "from users",
        "stale",
        "wrong name",
        "unsatisfied",
        "failed");
    md.row(
        f0(y.rounds()),
        share(y.fromReplica(), y.rounds()),
        share(y.fromOwner(), y.rounds()),
        f0(y.stale()),
        f0(y.wrongName()),
        f0(y.unsatisfied()),
        f0(y.failed()));
    md.line();
    md.head("lrrrr", "report read", "p50", "p95", "p99", "max");
    for (LatencyStats s : new LatencyStats[] {y.withToken(), y.withoutToken(), y.askOwner()}) {
      md.row(s.label(), Fmt.ms(s.p50()), Fmt.ms(s.p95()), Fmt.ms(s.p99()), Fmt.ms(s.max()));
    }
    md.line();
  }

  private static String share(long part, long whole) {
    return f0(part) + " (" + Fmt.pct(whole == 0 ? 0 : (double) part / whole) + ")";
  }
}
