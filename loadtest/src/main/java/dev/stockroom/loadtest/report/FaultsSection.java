package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results.OpenRun;
import java.util.ArrayList;
import java.util.HashMap;
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
    OpenRun killed = r.open.get("read-users-killed");
    OpenRun kafka = r.open.get("mixed-kafka");
    Map<String, Object> m = new HashMap<>();
    m.put("measured", killed != null || kafka != null);
    m.put("usersKilled", killed == null ? false : faultRun(killed, false));
    m.put("kafkaStopped", kafka == null ? false : faultRun(kafka, true));
    md.raw(Template.render("faults", m));
  }

  /** One fault run: its rate, its windows, optionally each request kind, its events. */
  private Map<String, Object> faultRun(OpenRun o, boolean perRequestKind) {
    Map<String, Object> m = new HashMap<>();
    m.put("rate", f0(o.rate()));
    m.put("windows", Markdown.of(t -> windowTable(t, o)));
    m.put("requests", perRequestKind ? Markdown.of(t -> requestTable(t, o)) : false);
    m.put("hasEvents", !o.events().isEmpty());
    m.put("events", o.events());
    return m;
  }

  /**
   * Requests and failures per window. Latency only when each window is one request series:
   * percentiles of several series cannot be added up.
   */
  private static void windowTable(Markdown md, OpenRun o) {
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
  }

  private static void requestTable(Markdown md, OpenRun o) {
    md.head("lrrrrrr", "request [window]", "requests", "failed", "p50", "p95", "p99", "max");
    for (Map.Entry<String, LatencyStats> e : o.run().requests().entrySet()) {
      LatencyStats s = e.getValue();
      md.row(e.getKey(), f0(s.requests()), s.errors(), Cells.latencyWithoutP999(s, false));
    }
  }
}
