package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.BenchOptions;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.Results.OpenRun;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The panels of the latency plot: percentile curves, the lag probe, each fault run over time. */
final class PlotPanels {
  private final Results r;
  private final BenchOptions opts;

  PlotPanels(Results r, BenchOptions opts) {
    this.r = r;
    this.opts = opts;
  }

  List<LatencyPlot.Panel> panels() {
    List<LatencyPlot.Panel> panels = new ArrayList<>();
    List<LatencyPlot.Series> closed = new ArrayList<>();
    for (ClosedLoop c : r.closedLoop) {
      closed.add(new LatencyPlot.Series(legend(c), c.result().stats().curve()));
    }
    panels.add(
        new LatencyPlot.Panel(
            "Closed loop (wrk), report endpoint", false, closed, List.of(), List.of(), null));
    List<LatencyPlot.Series> open = new ArrayList<>();
    for (String key : List.of("report-target", "compare-replica", "compare-owner")) {
      OpenRun o = r.open.get(key);
      if (o != null) {
        open.add(new LatencyPlot.Series(o.label(), o.run().global().curve()));
      }
    }
    panels.add(
        new LatencyPlot.Panel(
            "Open model (Gatling), report endpoint",
            false,
            open,
            List.of(),
            List.of(),
            opts.d("reportP99Ms")));
    List<LatencyPlot.Series> lag = new ArrayList<>();
    if (r.lag != null) {
      lag.add(new LatencyPlot.Series("user change → visible in report", r.lag.lag().curve()));
      lag.add(new LatencyPlot.Series("PATCH /users/{id}", r.lag.writes().curve()));
    }
    panels.add(
        new LatencyPlot.Panel(
            "Replication lag probe", false, lag, List.of(), List.of(), opts.d("lagP99Ms")));
    for (String key : List.of("read-users-killed", "mixed-kafka")) {
      OpenRun o = r.open.get(key);
      if (o != null) {
        panels.add(overTime(o, key.equals("read-users-killed") ? opts.d("faultReadP99Ms") : null));
      }
    }
    return panels;
  }

  /** p50 and p99 second by second, the fault's window shaded, seconds with failures ticked. */
  private static LatencyPlot.Panel overTime(OpenRun o, Double limitMs) {
    JsonArray t = o.run().recorded().getJsonArray("timeline", new JsonArray());
    List<double[]> p50 = new ArrayList<>();
    List<double[]> p99 = new ArrayList<>();
    List<double[]> failures = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      JsonObject sec = t.getJsonObject(i);
      // The y axis is logarithmic: a 0 ms second (Gatling's whole milliseconds) is drawn at 1.
      p50.add(new double[] {sec.getLong("second"), Math.max(1, sec.getLong("p50"))});
      p99.add(new double[] {sec.getLong("second"), Math.max(1, sec.getLong("p99"))});
      if (sec.getLong("ko") > 0) {
        failures.add(new double[] {sec.getLong("second")});
      }
    }
    double third = Runs.plannedSeconds(o) / 3;
    return new LatencyPlot.Panel(
        o.label() + " (shaded: fault)",
        true,
        List.of(new LatencyPlot.Series("p99", p99), new LatencyPlot.Series("p50", p50)),
        List.<double[]>of(new double[] {third, 2 * third}),
        failures,
        limitMs);
  }

  private static String legend(ClosedLoop c) {
    return switch (c.label()) {
      case "baseline" -> "bare baseline";
      case "baseline-generic" -> "bare baseline, generic plan";
      case "plain-join" -> "plain join";
      case "plain-join-generic" -> "plain join, generic plan";
      case "replica" -> "report, replica";
      case "owner" -> "report, maxStaleness=PT0S";
      default -> c.label();
    };
  }
}
