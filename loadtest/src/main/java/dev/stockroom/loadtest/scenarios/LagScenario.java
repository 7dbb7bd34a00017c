package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.LagProbe;
import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.Locale;

/** How long a change made in users takes to show in inventory's report, at a steady rate. */
public record LagScenario(BenchContext ctx) {
  public void run() {
    Results results = ctx.results();
    ctx.pause(2000);
    // The probe runs in this JVM: its CPU is the harness's, so no separate load generator.
    CpuWindow cpu = ctx.cpuWindow(() -> 0);
    results.lag =
        new LagProbe(ctx.api(), ctx.urls(), ctx.tokens(), results.seed.probes())
            .run(ctx.opts().d("lagRate"), ctx.opts().d("lagSeconds"));
    results.lagCpu = cpu.end();
    LatencyStats l = results.lag.lag();
    ctx.say(
        String.format(
            Locale.ROOT,
            "  %d updates at %.0f/s: visible p50 %.1f  p99 %.1f  max %.1f ms; unseen %d",
            results.lag.sent(),
            results.lag.achievedRate(),
            l.p50(),
            l.p99(),
            l.max(),
            results.lag.unseen()));
  }
}
