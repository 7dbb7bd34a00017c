package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Wrk;
import dev.stockroom.loadtest.system.CpuMeters;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.List;
import java.util.Locale;

/**
 * The low-stock report as fast as it goes (wrk, same connections everywhere): the bare baseline
 * with the same SQL in both plan cache modes, then the service's replica and owner read paths.
 */
public record ClosedLoopComparison(BenchContext ctx) {
  private static final String PAGE = "/items/low-stock?limit=50";

  /** One endpoint: the label results are filed under, what it is, its URL and token. */
  private record Target(String label, String what, String url, String bearer) {}

  public void run() {
    Wrk wrk = new Wrk(ctx.opts().workDir());
    int c = ctx.opts().i("closedConnections");
    int t = ctx.opts().i("closedThreads");
    List<Target> targets = targets();
    for (Target target : targets) {
      wrk.run("warm-up", target.url(), target.bearer(), t, c, ctx.opts().i("warmupSeconds"));
    }
    for (Target target : targets) {
      ctx.pause(2000);
      CpuWindow cpu = ctx.cpuWindow(CpuMeters::finishedChildren);
      Wrk.Result r =
          wrk.run(
              target.what(), target.url(), target.bearer(), t, c, ctx.opts().i("closedSeconds"));
      ctx.results()
          .closedLoop
          .add(new Results.ClosedLoop(target.label(), target.what(), c, r, cpu.end()));
      ctx.say(
          String.format(
              Locale.ROOT,
              "  %-58s %7.0f req/s  p50 %5.1f  p99 %6.1f ms  errors %d  stale %d",
              target.what(),
              r.stats().throughput(),
              r.stats().p50(),
              r.stats().p99(),
              r.stats().errors(),
              r.stale()));
    }
  }

  private List<Target> targets() {
    String stocker = ctx.tokens().bearer(ctx.results().seed.stockers().get(0), "stocker");
    String inventory = ctx.urls().inventory();
    return List.of(
        new Target(
            "baseline",
            "bare baseline: same SQL, default plan_cache_mode",
            ctx.fleet().url("baseline") + PAGE,
            null),
        new Target(
            "baseline-generic",
            "bare baseline, plan_cache_mode=force_generic_plan",
            ctx.fleet().url("baseline-generic") + PAGE,
            null),
        new Target(
            "replica",
            "GET /items/low-stock (default budget: the replica)",
            inventory + PAGE,
            stocker),
        new Target(
            "owner",
            "GET /items/low-stock?maxStaleness=PT0S (API composition)",
            inventory + PAGE + "&maxStaleness=PT0S",
            stocker));
  }
}
