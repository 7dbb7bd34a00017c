package dev.stockroom.loadtest.scenarios;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.GatlingRunner;
import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.system.CpuMeters;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One open-model run: a Gatling simulation at a fixed arrival rate against the system, with every
 * process's CPU measured over the load (not its warm-up ramp) and faults injected into it.
 */
record OpenModelLoad(BenchContext ctx) {
  private static final String SIM = "dev.stockroom.loadtest.simulations.";
  static final String LOW_STOCK = SIM + "LowStockReadSimulation";
  static final String MIXED = SIM + "MixedSimulation";
  static final String CONTENTION = SIM + "OrderContentionSimulation";

  /** Runs the simulation, records it in the results under {@code key} and returns it. */
  Results.OpenRun run(
      String key,
      String label,
      String simulation,
      double rate,
      double seconds,
      Map<String, String> extra,
      List<FaultSchedule.Fault> faults) {
    Map<String, String> props = simulationProperties();
    props.put("bench.rate", String.valueOf(rate));
    props.put("bench.duration", String.valueOf(seconds));
    props.put("bench.warmup", ctx.opts().s("openWarmupSeconds"));
    props.putAll(extra);
    GatlingRunner.Handle handle = ctx.gatling().start(label, simulation, props);
    long t0 = handle.awaitLoadStart(180);
    ctx.sleepUntil(t0); // the end of the warm-up ramp: the measured load starts now
    CpuWindow cpu = ctx.cpuWindow(() -> CpuMeters.processTree(handle.pid()));
    FaultSchedule schedule = FaultSchedule.start(ctx, t0, faults);
    ctx.sleepUntil(t0 + Math.round(seconds * 1000));
    Map<String, Double> cores = cpu.end();
    schedule.awaitEnd();
    GatlingRunner.Run run = handle.await(Math.round(seconds) + 600);
    Results.OpenRun open = new Results.OpenRun(key, label, rate, run, cores, schedule.events(), t0);
    ctx.results().open.put(key, open);
    LatencyStats g = run.global();
    ctx.say(
        String.format(
            Locale.ROOT,
            "  %-58s %7.0f req/s  p50 %4.0f  p99 %5.0f ms  KO %d  assertions %s",
            label,
            g.throughput(),
            g.p50(),
            g.p99(),
            g.errors(),
            run.assertionsPassed() ? "held" : "FAILED"));
    return open;
  }

  /** Where the simulations find the system and the seeded ids. */
  private Map<String, String> simulationProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("bench.usersUrl", ctx.urls().users());
    p.put("bench.inventoryUrl", ctx.urls().inventory());
    p.put("bench.ordersUrl", ctx.urls().orders());
    p.put("bench.jwtSecret", JwtConfig.DEV_SECRET);
    p.put("bench.dataDir", ctx.dataDir().toString());
    return p;
  }

  /**
   * A rate for "auto": half of what the closed loop measured for that endpoint (rounded down to 50
   * req/s, at least 50), so the open-model comparison runs where the system can keep up.
   */
  double rateOf(String option, String closedLabel) {
    return rateOf(option, closedLabel, 2);
  }

  /** As {@link #rateOf(String, String)}, with "auto" at 1/{@code divisor} of the closed loop. */
  double rateOf(String option, String closedLabel, int divisor) {
    String v = ctx.opts().s(option);
    if (!v.equals("auto")) {
      return Double.parseDouble(v);
    }
    Results.ClosedLoop c = ctx.results().closed(closedLabel);
    if (c == null) {
      throw new IllegalStateException(
          option + "=auto needs the closed-loop result of " + closedLabel);
    }
    return Math.max(50, Math.floor(c.throughput() / divisor / 50) * 50);
  }
}
