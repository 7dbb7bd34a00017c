package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;
import static dev.stockroom.loadtest.report.Fmt.f1;
import static dev.stockroom.loadtest.report.Fmt.ms;
import static dev.stockroom.loadtest.report.Runs.throughput;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.Results.OpenRun;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One row per target: what was asked, what was measured, whether it was met. The wording is the
 * template's ({@code summary.md.mustache}); here are the numbers and the verdicts ({@link
 * ClosedLoopTargets} for the report against the other servers). A row is false where its target was
 * not measured.
 */
final class SummarySection extends Section {
  /** Issue #17's target for the order saga on this 2-core machine. */
  private static final int CONFIRMED_PER_SECOND = 600;

  SummarySection(Report report) {
    super(report);
  }

  @Override
  void write() {
    ClosedLoop replica = r.closed("replica");
    Map<String, Object> m = new HashMap<>(ClosedLoopTargets.rows(r));
    m.put("replicaVsOwner", replicaVsOwner(replica, r.closed("owner")));
    m.put("p99VsOwner", p99VsOwner(replica, r.closed("owner")));
    m.put("reportAtTarget", reportAtTarget());
    m.put("lag", lag());
    m.put("orders", orders());
    m.put("cpuPerOrder", cpuPerOrder());
    m.put("usersKilled", usersKilled());
    m.put("memory", memory());
    md.raw(Template.render("summary", m));
  }

  private static Object replicaVsOwner(ClosedLoop replica, ClosedLoop owner) {
    if (replica == null || owner == null) {
      return false;
    }
    double ratio = throughput(replica) / throughput(owner);
    return Map.of(
        "a", f0(throughput(replica)),
        "b", f0(throughput(owner)),
        "ratio", f1(ratio),
        "met", Fmt.verdict(ratio >= 3));
  }

  private Object p99VsOwner(ClosedLoop replica, ClosedLoop owner) {
    OpenRun cr = r.open.get("compare-replica");
    OpenRun co = r.open.get("compare-owner");
    if (cr == null || co == null) {
      return false;
    }
    double a = cr.run().global().p99();
    double b = co.run().global().p99();
    return Map.of(
        "rate", f0(cr.rate()),
        "a", ms(a),
        "b", ms(b),
        "closed",
            owner == null || replica == null
                ? false
                : Map.of(
                    "a", ms(replica.result().stats().p99()), "b", ms(owner.result().stats().p99())),
        "met", Fmt.verdict(a * 3 <= b));
  }

  private Object reportAtTarget() {
    OpenRun target = r.open.get("report-target");
    if (target == null) {
      return false;
    }
    LatencyStats g = target.run().global();
    // Gatling falling behind its schedule is a miss too: the rate was not offered.
    boolean kept = g.throughput() >= 0.95 * target.rate();
    return Map.ofEntries(
        Map.entry("rate", f0(target.rate())),
        Map.entry("seconds", f0(Runs.plannedSeconds(target))),
        Map.entry("p99Limit", opts.s("reportP99Ms")),
        Map.entry("sent", f0(g.throughput())),
        Map.entry("p99", ms(g.p99())),
        Map.entry("errors", f0(g.errors())),
        Map.entry("requests", f0(g.requests())),
        Map.entry("errorPercent", Fmt.pct2(g.errorPercent())),
        Map.entry("oom", Runs.crashedIn(r, Scenarios.REPORT_AT_TARGET)),
        Map.entry("asserted", target.run().assertionsPassed()),
        Map.entry("met", Fmt.verdict(kept && g.p99() <= opts.d("reportP99Ms") && g.errors() == 0)));
  }

  private Object lag() {
    if (r.lag == null) {
      return false;
    }
    LatencyStats l = r.lag.lag();
    return Map.of(
        "limit", opts.s("lagP99Ms"),
        "rate", f0(r.lag.targetRate()),
        "p99", ms(l.p99()),
        "p50", ms(l.p50()),
        "max", ms(l.max()),
        "achieved", f0(r.lag.achievedRate()),
        "unseen", r.lag.unseen(),
        "met",
            Fmt.verdict(
                l.p99() <= opts.d("lagP99Ms")
                    && r.lag.unseen() == 0
                    && r.lag.achievedRate() >= 0.95 * r.lag.targetRate()));
  }

  private Object orders() {
    Results.Orders o = r.orders;
    Results.Orders so = r.sellout;
    if (o == null && so == null) {
      return false;
    }
    boolean oversold =
        (o != null && o.oversold())
            || (so != null && so.oversold())
            || r.scalingOrders.values().stream().anyMatch(Results.Orders::oversold);
    Results.Orders busier = r.scalingOrders.get("scaling-1");
    OpenRun busierRun = r.open.get("scaling-1");
    return Map.of(
        "target",
        CONFIRMED_PER_SECOND,
        "run",
        o == null
            ? false
            : Map.of(
                "confirmed", f0(o.confirmedPerSecondInStock()),
                "offered", f0(r.open.get("contention").rate()),
                "soldOut", o.soldOut()),
        "busier",
        busier == null || busierRun == null
            ? false
            : Map.of(
                "confirmed", f0(busier.confirmedPerSecondInStock()),
                "offered", f0(busierRun.rate())),
        "oversold",
        oversold,
        "sellout",
        so == null
            ? false
            : Map.of(
                "soldOut", so.soldOut(),
                "sold", f0(so.soldByInventory()),
                "stock", f0(so.hotStockBefore()),
                "rejected", so.rejections().getOrDefault("out_of_stock", 0L)),
        "met",
        Fmt.verdict(o != null && !oversold && keptUp(o.confirmedPerSecondInStock())));
  }

  /**
   * Met at the target rate, or when the run offered at least that and confirmed all of it: the
   * in-stock window is timed from the orders' own timestamps, so an offered rate met in full reads
   * a fraction of a percent either side of it.
   */
  private boolean keptUp(double confirmedPerSecond) {
    double offered = r.open.get("contention").rate();
    return confirmedPerSecond >= CONFIRMED_PER_SECOND
        || (offered >= CONFIRMED_PER_SECOND && confirmedPerSecond >= 0.99 * offered);
  }

  /**
   * Issue #17's CPU budget per confirmed order: every process on the machine (PostgreSQL, Kafka in
   * the harness, the services) but the load generator, over the orders run, per order confirmed
   * while stock lasted. The group commit sends a batch as soon as the last one is back: below the
   * machine's capacity it spends spare cores on smaller batches, so the cost per order is lowest at
   * the highest rate the run offered (one instance of each service in the scaling run).
   */
  private Object cpuPerOrder() {
    OpenRun run = r.open.get("contention");
    double ms = Runs.msPerOrder(run, r.orders);
    if (Double.isNaN(ms)) {
      return false;
    }
    double perSecond = r.orders.confirmedPerSecondInStock();
    double machine = run.cpu().get(CpuWindow.MACHINE);
    OpenRun busier = r.open.get("scaling-1");
    double busierMs = Runs.msPerOrder(busier, r.scalingOrders.get("scaling-1"));
    return Map.of(
        "ms", f1(ms),
        "offered", f0(run.rate()),
        "cores", f1(machine - run.cpu().get("load generator")),
        "confirmed", f0(perSecond),
        "withGenerator", f1(machine * 1000 / perSecond),
        "busier",
            Double.isNaN(busierMs)
                ? false
                : Map.of(
                    "ms", f1(busierMs),
                    "offered", f0(busier.rate()),
                    "confirmed", f0(r.scalingOrders.get("scaling-1").confirmedPerSecondInStock())),
        "met", Fmt.verdict(ms <= 2.5 || busierMs <= 2.5));
  }

  private Object usersKilled() {
    OpenRun killed = r.open.get("read-users-killed");
    if (killed == null) {
      return false;
    }
    LatencyStats g = killed.run().global();
    LatencyStats during = Runs.phase(killed, "during");
    return Map.of(
        "limit", opts.s("faultReadP99Ms"),
        "errors", g.errors(),
        "p99", ms(g.p99()),
        "during", during == null ? false : Map.of("p99", ms(during.p99())),
        "met", Fmt.verdict(g.errors() == 0 && g.p99() <= opts.d("faultReadP99Ms")));
  }

  /** Only when memory was sampled: unlike the other targets it has no "not measured" row. */
  private Object memory() {
    if (r.memory.isEmpty()) {
      return false;
    }
    Map<String, Object> m = new HashMap<>();
    m.put("xmx", opts.s("serviceXmx"));
    m.put("limit", opts.s("rssLimitMb"));
    // A run of some scenarios only (--only): no verdict, rather than a crash nobody had.
    boolean notRun = !r.open.containsKey("mixed-kafka");
    m.put("notRun", notRun);
    boolean ok =
        r.memory.stream()
            .noneMatch(x -> x.crashedDuring().stream().anyMatch(Scenarios.THROUGH_MIXED::contains));
    m.put("ok", ok);
    m.put(
        "peaks",
        r.memory.stream()
            .map(x -> x.service() + " " + peakInMixed(x).map(Fmt::mb).orElse("?"))
            .collect(Collectors.joining(", ")));
    // Crashes after the mixed load come from the overload runs; they do not fail the target.
    String later =
        r.memory.stream()
            .flatMap(
                x ->
                    x.crashedDuring().stream()
                        .filter(c -> !Scenarios.THROUGH_MIXED.contains(c))
                        .map(c -> x.service() + " during \"" + c + "\""))
            .collect(Collectors.joining(", "));
    m.put("later", later.isEmpty() ? false : later);
    long limitKb = opts.i("rssLimitMb") * 1024L;
    boolean small =
        r.memory.stream().allMatch(x -> peakInMixed(x).map(kb -> kb <= limitKb).orElse(false));
    m.put("met", notRun ? "–" : Fmt.verdict(ok && small));
    return m;
  }

  private static Optional<Long> peakInMixed(Results.Memory m) {
    return Optional.ofNullable(m.peakRssKbByScenario().get(Scenarios.MIXED_KAFKA_STOPPED));
  }
}
