package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Wrk;
import dev.stockroom.loadtest.system.CpuMeters;
import dev.stockroom.loadtest.system.CpuWindow;
import dev.stockroom.loadtest.system.StatementStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The low-stock report as fast as it goes (wrk, same connections everywhere): the plain join, the
 * bare baseline with the report's own SQL and body, each in both plan cache modes, then the
 * service's replica and owner read paths. Measured in interleaved rounds (A B C … C B A …), so a
 * machine that slows down or speeds up during the run (autovacuum, checkpoints, JIT) weighs on
 * every endpoint alike; the spread of each endpoint's rounds says how far a ratio can be trusted.
 */
public record ClosedLoopComparison(BenchContext ctx) {
  /** One endpoint: the label results are filed under, what it is, its URL and token. */
  record Target(String label, String what, String url, List<Integer> ports, String bearer) {
    static final String PAGE = "/items/low-stock?limit=50";

    /** One server at {@code url}. */
    Target(String label, String what, String url, String bearer) {
      this(label, what, url, List.of(), bearer);
    }
  }

  /** One round of one endpoint; {@code statementMillis}: mean execution time of its query. */
  private record Round(Wrk.Result result, Map<String, Double> cpu, double statementMillis) {}

  public void run() {
    ctx.results().closedLoop.addAll(measure(targets()));
  }

  /** Warms each target up, then measures them all in interleaved rounds. */
  List<Results.ClosedLoop> measure(List<Target> targets) {
    Wrk wrk = new Wrk(ctx.opts().workDir());
    int c = ctx.opts().i("closedConnections");
    int t = ctx.opts().i("closedThreads");
    int rounds = ctx.opts().i("closedRounds");
    for (Target target : targets) {
      warmUp(wrk, target, t, c);
    }
    StatementStats statements = ctx.infra().statements();
    Map<Target, List<Round>> measured = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      List<Target> order = new ArrayList<>(targets);
      if (round % 2 == 1) {
        Collections.reverse(order);
      }
      for (Target target : order) {
        ctx.pause(2000);
        statements.start();
        CpuWindow cpu = ctx.cpuWindow(CpuMeters::finishedChildren);
        Wrk.Result r =
            wrk.run(
                target.what(),
                target.url(),
                target.ports(),
                target.bearer(),
                t,
                c,
                ctx.opts().i("closedSeconds"));
        Map<String, Double> cores = cpu.end();
        double millis = pageQueryMillis(statements.stop());
        measured.computeIfAbsent(target, k -> new ArrayList<>()).add(new Round(r, cores, millis));
        say("round " + (round + 1) + ": " + target.what(), r);
      }
    }
    List<Results.ClosedLoop> results = new ArrayList<>();
    for (Target target : targets) {
      Results.ClosedLoop result = combine(target, c, measured.get(target));
      results.add(result);
      ctx.say(
          String.format(
              Locale.ROOT,
              "  %-58s mean %7.0f req/s, rounds %s, spread %.0f%%%s",
              target.what(),
              result.throughput(),
              result.rounds().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList(),
              100 * result.spread(),
              result.steady() ? "" : " (UNSTEADY: rounds disagree by more than 10%)"));
    }
    return results;
  }

  /**
   * Load until two 5-second windows in a row agree within 5% (at most warmupSeconds): the bare
   * servers' JVMs see load only here, and with a fixed 4-10 s warm-up their first measured round
   * still ran 15-45% slower than their second while the JIT caught up.
   */
  private void warmUp(Wrk wrk, Target target, int threads, int connections) {
    long deadline = System.nanoTime() + ctx.opts().i("warmupSeconds") * 1_000_000_000L;
    double previous = 0;
    int windows = 0;
    while (System.nanoTime() < deadline) {
      double now =
          wrk.run("warm-up", target.url(), target.ports(), target.bearer(), threads, connections, 5)
              .stats()
              .throughput();
      windows++;
      if (previous > 0 && Math.abs(now - previous) <= 0.05 * Math.max(now, previous)) {
        break;
      }
      previous = now;
    }
    ctx.say(
        String.format(
            Locale.ROOT,
            "  warm-up of %s: %d windows of 5 s, last %.0f req/s",
            target.label(),
            windows,
            previous));
  }

  private void say(String what, Wrk.Result r) {
    ctx.say(
        String.format(
            Locale.ROOT,
            "  %-66s %7.0f req/s  p50 %5.1f  p99 %6.1f ms  errors %d  stale %d",
            what,
            r.stats().throughput(),
            r.stats().p50(),
            r.stats().p99(),
            r.stats().errors(),
            r.stale()));
  }

  /**
   * Mean execution time of the page's query in inventory's database: the statement reading {@code
   * items} that ran most often in the window (the report's or the plain join's).
   */
  private static double pageQueryMillis(List<StatementStats.Statement> statements) {
    return statements.stream()
        .filter(s -> s.database().equals("inventory") && s.query().startsWith("SELECT i.sku"))
        .max(Comparator.comparingLong(StatementStats.Statement::calls))
        .map(s -> s.execMillis() / Math.max(1, s.calls()))
        .orElse(Double.NaN);
  }

  /** The rounds as one measurement: latencies of the most typical round, CPU averaged. */
  private static Results.ClosedLoop combine(Target target, int connections, List<Round> rounds) {
    List<Double> throughputs = rounds.stream().map(r -> r.result().stats().throughput()).toList();
    double mean = throughputs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    Round typical =
        rounds.stream()
            .min(Comparator.comparingDouble(r -> Math.abs(r.result().stats().throughput() - mean)))
            .orElseThrow();
    Map<String, Double> cpu = new LinkedHashMap<>();
    for (Round r : rounds) {
      r.cpu().forEach((group, cores) -> cpu.merge(group, cores / rounds.size(), Double::sum));
    }
    double statementMillis =
        rounds.stream().mapToDouble(Round::statementMillis).average().orElse(Double.NaN);
    return new Results.ClosedLoop(
        target.label(),
        target.what(),
        connections,
        typical.result(),
        cpu,
        throughputs,
        Double.isNaN(statementMillis) ? null : statementMillis,
        rounds.stream()
            .map(
                r ->
                    new Results.Round(
                        r.result().stats().throughput(),
                        r.result().stats().p99(),
                        r.cpu(),
                        Double.isNaN(r.statementMillis()) ? null : r.statementMillis()))
            .toList());
  }

  private List<Target> targets() {
    String stocker = ctx.tokens().bearer(ctx.results().seed.stockers().get(0), "stocker");
    String inventory = ctx.urls().inventory();
    return List.of(
        new Target(
            "plain-join",
            "plain join: the obvious service, default plan_cache_mode",
            ctx.fleet().url("plain-join") + Target.PAGE,
            null),
        new Target(
            "plain-join-generic",
            "plain join, plan_cache_mode=force_generic_plan",
            ctx.fleet().url("plain-join-generic") + Target.PAGE,
            null),
        new Target(
            "baseline",
            "bare baseline: the report's SQL and body, default plan_cache_mode",
            ctx.fleet().url("baseline") + Target.PAGE,
            null),
        new Target(
            "baseline-generic",
            "bare baseline, plan_cache_mode=force_generic_plan",
            ctx.fleet().url("baseline-generic") + Target.PAGE,
            null),
        new Target(
            "replica",
            "GET /items/low-stock (default budget: the replica)",
            inventory + Target.PAGE,
            stocker),
        new Target(
            "owner",
            "GET /items/low-stock?maxStaleness=PT0S (API composition)",
            inventory + Target.PAGE + "&maxStaleness=PT0S",
            stocker));
  }
}
