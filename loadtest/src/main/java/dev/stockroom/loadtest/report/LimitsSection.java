package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.cores;
import static dev.stockroom.loadtest.report.Fmt.f0;
import static dev.stockroom.loadtest.report.Fmt.f1;
import static dev.stockroom.loadtest.report.Fmt.pct;
import static dev.stockroom.loadtest.report.Fmt.us;
import static dev.stockroom.loadtest.report.Runs.throughput;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.Results.OpenRun;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.HashMap;
import java.util.Map;

/**
 * "What limits it": the findings by topic, the limits of the measurement, the run's notes. The
 * numbers go into a model; the interpretation is written once, in {@code
 * loadtest/limits.md.mustache}.
 */
final class LimitsSection extends Section {
  LimitsSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.raw(Template.render("limits", model()));
  }

  Map<String, Object> model() {
    Map<String, Object> m = new HashMap<>();
    ClosedLoop base = r.closed("baseline");
    ClosedLoop generic = r.closed("baseline-generic");
    ClosedLoop replica = r.closed("replica");
    ClosedLoop owner = r.closed("owner");
    // inventory runs on generic plans: the bare server on the same plans is what it adds to.
    String server = generic != null ? "baseline-generic" : "baseline";
    ClosedLoop same = r.closed(server);
    m.put("machine", same != null && replica != null ? machine(same, server, replica) : false);
    m.put("planning", base != null && generic != null ? planning(base, generic) : false);
    m.put("composition", owner != null && replica != null ? composition(owner, replica) : false);
    OpenRun target = r.open.get("report-target");
    m.put("openModel", target == null ? false : openModel(target, replica));
    boolean crashed = r.memory.stream().anyMatch(x -> !x.crashedDuring().isEmpty());
    m.put(
        "overload",
        crashed
            ? Map.of("response", responseSize(replica), "xmx", "-Xmx" + opts.s("serviceXmx"))
            : false);
    m.put("lag", r.lag == null ? false : lag());
    m.put("orders", r.orders == null ? false : orders(r.orders, r.open.get("contention")));
    m.put("notes", r.notes);
    return m;
  }

  private Map<String, Object> machine(ClosedLoop base, String server, ClosedLoop replica) {
    Map<String, Object> m = new HashMap<>();
    m.put("baseMachine", cores(base.cpu(), CpuWindow.MACHINE));
    m.put("replicaMachine", cores(replica.cpu(), CpuWindow.MACHINE));
    m.put("nproc", nproc());
    m.put("basePg", cores(base.cpu(), "PostgreSQL"));
    m.put("replicaPg", cores(replica.cpu(), "PostgreSQL"));
    m.put("baseServer", cores(base.cpu(), server));
    m.put("replicaServer", cores(replica.cpu(), "inventory"));
    m.put("baseWrk", cores(base.cpu(), "load generator"));
    m.put("replicaWrk", cores(replica.cpu(), "load generator"));
    m.put("bareCpu", us(msPerRequest(base, server)));
    m.put("inventoryCpu", us(msPerRequest(replica, "inventory")));
    m.put("barePgCpu", us(msPerRequest(base, "PostgreSQL")));
    m.put("inventoryPgCpu", us(msPerRequest(replica, "PostgreSQL")));
    m.put("share", pct(throughput(replica) / throughput(base)));
    return m;
  }

  /** CPU milliseconds a process group spent per request answered. */
  private static double msPerRequest(ClosedLoop c, String group) {
    return 1000.0 * Runs.cores(c, group) / Math.max(1, throughput(c));
  }

  private static Map<String, Object> planning(ClosedLoop base, ClosedLoop generic) {
    double gain = throughput(generic) / throughput(base);
    return Map.of(
        "generic", f0(throughput(generic)),
        "custom", f0(throughput(base)),
        "gain", pct(gain),
        "genericPg", cores(generic.cpu(), "PostgreSQL"),
        "customPg", cores(base.cpu(), "PostgreSQL"),
        "adopted", gain > 1.05);
  }

  private static Map<String, Object> composition(ClosedLoop owner, ClosedLoop replica) {
    return Map.of(
        "owner", f0(throughput(owner)),
        "replica", f0(throughput(replica)),
        "usersCores", cores(owner.cpu(), "users"),
        "ownerPg", cores(owner.cpu(), "PostgreSQL"),
        "replicaPg", cores(replica.cpu(), "PostgreSQL"));
  }

  private Map<String, Object> openModel(OpenRun target, ClosedLoop replica) {
    LatencyStats g = target.run().global();
    boolean crashed = Runs.crashedIn(r, Scenarios.REPORT_AT_TARGET);
    ClosedLoop bare = r.closed("baseline-generic");
    Map<String, Object> m = new HashMap<>();
    m.put("rate", f0(target.rate()));
    m.put("gatling", cores(target.cpu(), "load generator"));
    m.put("nproc", nproc());
    m.put("machine", cores(target.cpu(), CpuWindow.MACHINE));
    m.put("crashed", crashed);
    m.put("inventory", cores(target.cpu(), "inventory"));
    m.put("postgres", cores(target.cpu(), "PostgreSQL"));
    m.put("sent", f0(g.throughput()));
    m.put("p99", Fmt.ms(g.p99()));
    m.put("closed", replica != null);
    m.put("ceiling", replica == null ? "" : f0(throughput(replica)));
    m.put("bareBelowTarget", bare != null && throughput(bare) < target.rate());
    m.put("bare", bare == null ? "" : f0(throughput(bare)));
    boolean shedding = !crashed && g.errors() > 0;
    m.put(
        "shedding",
        !shedding
            ? false
            : Map.of(
                "failed", f0(g.errors()),
                "p50", Fmt.ms(g.p50()),
                "served", f0((g.requests() - g.errors()) / Math.max(1, target.run().seconds()))));
    return m;
  }

  private static String responseSize(ClosedLoop replica) {
    return replica == null ? "" : f0(replica.result().bytesPerResponse() / 1024.0) + " KB ";
  }

  private Map<String, Object> lag() {
    return Map.of(
        "meanPoll", f1(r.lag.meanPollMs()),
        "gap", opts.s("lagPollGapMs"),
        "p99", Fmt.ms(r.lag.lag().p99()),
        "rate", f0(r.lag.achievedRate()),
        "machine", cores(r.lagCpu, CpuWindow.MACHINE));
  }

  private Map<String, Object> orders(Results.Orders o, OpenRun contention) {
    Map<String, Object> m = new HashMap<>();
    m.put("cpu", contention == null ? false : cpuDuring(contention));
    Double machine = contention == null ? null : contention.cpu().get(CpuWindow.MACHINE);
    double perSecond = o.confirmedPerSecondInStock();
    boolean perOrder = machine != null && perSecond > 0;
    double ms = perOrder ? machine * 1000 / perSecond : 0;
    m.put("perOrder", perOrder ? Map.of("ms", f1(ms), "cores500", f1(ms * 500 / 1000)) : false);
    m.put("refused", o.poolBusyErrors() > 0 ? f0(o.poolBusyErrors()) : false);
    m.put("statements", r.orderStatements != null);
    return m;
  }

  private static Map<String, Object> cpuDuring(OpenRun c) {
    return Map.of(
        "machine", cores(c.cpu(), CpuWindow.MACHINE),
        "orders", cores(c.cpu(), "orders"),
        "inventory", cores(c.cpu(), "inventory"),
        "users", cores(c.cpu(), "users"),
        "postgres", cores(c.cpu(), "PostgreSQL"),
        "gatling", cores(c.cpu(), "load generator"));
  }
}
