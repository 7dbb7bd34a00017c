package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.Results.OpenRun;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.Map;

/** Figures read out of the runner's records that more than one section needs. */
final class Runs {
  private Runs() {}

  static double throughput(ClosedLoop c) {
    return c.throughput();
  }

  /** Cores a process group used during a closed loop, 0 where it was not measured. */
  static double cores(ClosedLoop c, String group) {
    Double v = c.cpu().get(group);
    return v == null ? 0 : v;
  }

  /** CPU milliseconds a process group spent per request answered. */
  static double cpuMs(ClosedLoop c, String group) {
    return 1000.0 * cores(c, group) / Math.max(1, throughput(c));
  }

  /** How long the run was asked to last (the recorded span can be longer when Gatling lags). */
  static double plannedSeconds(OpenRun o) {
    return o.run().recorded().getDouble("plannedSeconds", 0.0);
  }

  /** The fault window a request was sent in, from its name ("report [during]"), else "all". */
  static String phaseOf(String requestName) {
    int open = requestName.lastIndexOf('[');
    int close = requestName.lastIndexOf(']');
    return open >= 0 && close > open ? requestName.substring(open + 1, close) : "all";
  }

  /** The first request series sent in the given window, or null. */
  static LatencyStats phase(OpenRun o, String phase) {
    for (Map.Entry<String, LatencyStats> e : o.run().requests().entrySet()) {
      if (phaseOf(e.getKey()).equals(phase)) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * CPU per confirmed order in ms: every process but the load generator, over the orders confirmed
   * a second while stock lasted; NaN when either was not measured.
   */
  static double msPerOrder(OpenRun run, Results.Orders orders) {
    if (run == null || orders == null || orders.confirmedPerSecondInStock() <= 0) {
      return Double.NaN;
    }
    Double machine = run.cpu().get(CpuWindow.MACHINE);
    Double generator = run.cpu().get("load generator");
    if (machine == null || generator == null) {
      return Double.NaN;
    }
    return (machine - generator) * 1000 / orders.confirmedPerSecondInStock();
  }

  static boolean crashedIn(Results r, String scenario) {
    return r.memory.stream().anyMatch(m -> m.crashedDuring().contains(scenario));
  }
}
