package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.LagProbe;
import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.ReadYourWritesProbe;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.Locale;

/** How long a change made in users takes to show in inventory's report, at a steady rate. */
public record LagScenario(BenchContext ctx) {
  public void run() {
    Results results = ctx.results();
    LagProbe probe =
        new LagProbe(
            ctx.api(),
            ctx.urls(),
            ctx.tokens(),
            results.seed.probes(),
            ctx.opts().i("lagPollGapMs"));
    probe.run(ctx.opts().d("lagRate"), ctx.opts().d("lagWarmupSeconds"));
    ctx.pause(2000);
    // The probe runs in this JVM: its CPU is the harness's, so no separate load generator.
    CpuWindow cpu = ctx.cpuWindow(() -> 0);
    results.lag = probe.run(ctx.opts().d("lagRate"), ctx.opts().d("lagSeconds"));
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

  /** Reads right after writes, with the writer's token, against the same reads without one. */
  public void readYourWrites() {
    Results results = ctx.results();
    ctx.pause(1000);
    ReadYourWritesProbe.Result r =
        new ReadYourWritesProbe(ctx.api(), ctx.urls(), ctx.tokens(), results.seed.probes())
            .run((int) ctx.opts().d("rywChains"), ctx.opts().d("rywSeconds"));
    results.readYourWrites = r;
    ctx.say(
        String.format(
            Locale.ROOT,
            "  %d rounds: replica after waiting %d, users %d, stale %d, wrong name %d;"
                + " with token p50 %.1f p99 %.1f ms, without p50 %.1f p99 %.1f, PT0S p50 %.1f"
                + " p99 %.1f",
            r.rounds(),
            r.fromReplica(),
            r.fromOwner(),
            r.stale(),
            r.wrongName(),
            r.withToken().p50(),
            r.withToken().p99(),
            r.withoutToken().p50(),
            r.withoutToken().p99(),
            r.askOwner().p50(),
            r.askOwner().p99()));
  }
}
