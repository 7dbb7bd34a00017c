package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results.OpenRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fault runs, window by window: users killed under the reads, Kafka stopped under the mix. */
final class FaultsSection extends Section {
  private static final List<String> WINDOWS = List.of("before", "during", "after");

  FaultsSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.heading("Faults under load");
    OpenRun killed = r.open.get("read-users-killed");
    OpenRun kafka = r.open.get("mixed-kafka");
    if (killed == null && kafka == null) {
      md.notMeasured();
      return;
    }
    md.line(
        "Each fault run has three equal windows: *before*, *during* (the fault injected at its"
            + " start) and *after* (the component started again at its start). Every request is"
            + " named after the window it was sent in, so the numbers per window come straight"
            + " from Gatling.");
    md.line();
    if (killed != null) {
      faultRun(
          killed,
          "users killed (SIGKILL) during the report load",
          "The report at "
              + f0(killed.rate())
              + " req/s on the replica path while the owner of the copied data is gone."
              + " Rows stay within their freshness budget (watermarks stop advancing, but the"
              + " default budget is "
              + "15 minutes), so no request needs the owner. The rate is a quarter of the"
              + " closed-loop ceiling: users is restarted on the same two cores, and a starting"
              + " JVM takes about one of them for its first seconds (at half the ceiling that"
              + " restart, not the missing owner, made the *after* window queue).",
          false);
    }
    if (kafka != null) {
      faultRun(
          kafka,
          "Kafka stopped during the mixed load",
          "The mix at "
              + f0(kafka.rate())
              + " req/s ("
              + "60% report reads, 15% restocks, 10% user changes, 15% orders) while the broker"
              + " is down: users keeps committing changes into its outbox, the replicas simply"
              + " fall behind, and the backlog is published when the broker is back.",
          true);
    }
  }

  /** One fault run: what it did, its windows, optionally each request kind, its events. */
  private void faultRun(OpenRun o, String title, String intro, boolean perRequestKind) {
    md.subheading(title);
    md.line(intro);
    md.line();
    windowTable(o);
    if (perRequestKind) {
      md.line("Per request kind and window:");
      md.line();
      requestTable(o);
    }
    events(o);
  }

  /**
   * Requests and failures per window. Latency only when each window is one request series:
   * percentiles of several series cannot be added up.
   */
  private void windowTable(OpenRun o) {
    Map<String, long[]> totals = new LinkedHashMap<>();
    Map<String, LatencyStats> byName = o.run().requests();
    for (Map.Entry<String, LatencyStats> e : byName.entrySet()) {
      long[] t = totals.computeIfAbsent(Runs.phaseOf(e.getKey()), k -> new long[2]);
      t[0] += e.getValue().requests();
      t[1] += e.getValue().errors();
    }
    boolean single = byName.size() == totals.size();
    List<String> names = new ArrayList<>(List.of("window", "requests", "failed", "error rate"));
    if (single) {
      names.addAll(List.of("p50", "p95", "p99", "max"));
    }
    md.head(single ? "lrrrrrrr" : "lrrr", names);
    for (String phase : WINDOWS) {
      long[] t = totals.get(phase);
      if (t == null) {
        continue;
      }
      md.row(
          phase,
          f0(t[0]),
          t[1],
          Fmt.pct2(t[0] == 0 ? 0 : 100.0 * t[1] / t[0]),
          single ? Cells.latencyWithoutP999(Runs.phase(o, phase), true) : List.of());
    }
    md.line();
  }

  private void requestTable(OpenRun o) {
    md.head("lrrrrrr", "request [window]", "requests", "failed", "p50", "p95", "p99", "max");
    for (Map.Entry<String, LatencyStats> e : o.run().requests().entrySet()) {
      LatencyStats s = e.getValue();
      md.row(e.getKey(), f0(s.requests()), s.errors(), Cells.latencyWithoutP999(s, false));
    }
    md.line();
  }

  private void events(OpenRun o) {
    if (!o.events().isEmpty()) {
      md.line("Events (seconds since the load started):");
      md.line();
      o.events().forEach(md::bullet);
      md.line();
    }
  }
}
