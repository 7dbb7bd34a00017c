package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.cores;
import static dev.stockroom.loadtest.report.Fmt.f0;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.Results.OpenRun;
import dev.stockroom.loadtest.system.CpuWindow;

/**
 * What the runs at a fixed arrival rate say: how the open model queues near the ceiling, how
 * overload ends, where replication lag comes from, and what an order costs.
 */
final class OpenLoadLimits extends Section {
  OpenLoadLimits(Report report) {
    super(report);
  }

  @Override
  void write() {
    ClosedLoop replica = r.closed("replica");
    OpenRun target = r.open.get("report-target");
    if (target != null) {
      openModel(target, replica);
    }
    if (r.memory.stream().anyMatch(m -> !m.crashedDuring().isEmpty())) {
      overload(replica);
    }
    if (r.lag != null) {
      lag();
    }
    if (r.orders != null) {
      orders(r.orders, r.open.get("contention"));
    }
  }

  private void openModel(OpenRun target, ClosedLoop replica) {
    LatencyStats g = target.run().global();
    md.bullet(
        "**The open model at "
            + f0(target.rate())
            + " req/s:** Gatling itself used "
            + cores(target.cpu(), "load generator")
            + " cores of the machine's "
            + nproc()
            + " (whole machine "
            + cores(target.cpu(), CpuWindow.MACHINE)
            + ")"
            + (Runs.crashedIn(r, Scenarios.REPORT_AT_TARGET)
                ? "; inventory died of OutOfMemoryError during the run (see below and Memory),"
                    + " so most requests failed"
                : ", leaving the rest to inventory ("
                    + cores(target.cpu(), "inventory")
                    + ") and PostgreSQL ("
                    + cores(target.cpu(), "PostgreSQL")
                    + ")")
            + ". Gatling sent "
            + f0(g.throughput())
            + " req/s with p99 "
            + Fmt.ms(g.p99())
            + (replica == null
                ? "."
                : "; for comparison the closed-loop ceiling of the same endpoint with the"
                    + " lighter wrk was "
                    + f0(Runs.throughput(replica))
                    + " req/s"
                    + ceiling()
                    + ". An open model near the ceiling queues: once arrivals outpace"
                    + " service even briefly (a GC pause, a checkpoint, Gatling's own"
                    + " scheduling), latency grows until the backlog drains, which is what"
                    + " the p99 measures.")
            + shedding(target, g));
  }

  /** Beyond capacity without a crash: the excess was refused, the rest served. */
  private String shedding(OpenRun target, LatencyStats g) {
    if (Runs.crashedIn(r, Scenarios.REPORT_AT_TARGET) || g.errors() == 0) {
      return "";
    }
    return " inventory stayed up: what it could not serve it refused at once with 503 and"
        + " Retry-After (the "
        + f0(g.errors())
        + " failed requests; p50 of all requests "
        + Fmt.ms(g.p50())
        + "), and it served "
        + f0((g.requests() - g.errors()) / Math.max(1, target.run().seconds()))
        + " req/s meanwhile.";
  }

  /** The bare server's ceiling, when the target rate lies above it. */
  private String ceiling() {
    ClosedLoop bare = r.closed("baseline-generic");
    OpenRun target = r.open.get("report-target");
    if (bare == null || Runs.throughput(bare) >= target.rate()) {
      return "";
    }
    return ", and even the bare baseline (no framework, generic plan) peaked at "
        + f0(Runs.throughput(bare))
        + " req/s: the target rate is above what this stack can serve on this machine with the"
        + " load generator beside it, so no tuning of the service can meet it here";
  }

  private void overload(ClosedLoop replica) {
    md.bullet(
        "**Overload ends in OutOfMemoryError.** An open model does not slow down when the"
            + " service does: beyond capacity, requests (and Gatling's connections, thousands of"
            + " them) pile up inside the service, each holding its request, its place in the"
            + " database pool's wait queue (512) and soon a "
            + (replica == null ? "" : f0(replica.result().bytesPerResponse() / 1024.0) + " KB ")
            + "response. The service bounds that work (`HTTP_MAX_IN_FLIGHT` requests per HTTP"
            + " verticle and the pool's wait queue, each answering 503 with Retry-After beyond"
            + " it), yet with a 256 MB heap it died here (see Memory) and was restarted by the"
            + " harness: the bound is still too generous for that heap at this response size.");
  }

  private void lag() {
    md.bullet(
        "**Replication lag** is a pipeline of small waits: the write's commit, the relay"
            + " woken by NOTIFY reading the outbox, the producer's linger (2 ms) and `acks=all`,"
            + " the consumer's poll, one upsert per batch, then the next probe read (mean poll"
            + " "
            + Fmt.f1(r.lag.meanPollMs())
            + " ms, counted in the lag). p99 "
            + Fmt.ms(r.lag.lag().p99())
            + " at "
            + f0(r.lag.achievedRate())
            + " updates/s with the machine "
            + cores(r.lagCpu, CpuWindow.MACHINE)
            + " cores busy (the probe itself, users, inventory, PostgreSQL and the broker);"
            + " the tail most likely comes from those steps waiting for a core.");
  }

  private void orders(Results.Orders o, OpenRun contention) {
    md.bullet(
        "**Orders:** each order is a saga — persist the order, look up the customer (local"
            + " copy), reserve stock at inventory (row locks on the hot item, in sku order),"
            + " hold credit at users, confirm and capture, each step a transaction and most an"
            + " HTTP call — so one order costs several database transactions in three"
            + " databases and a handful of HTTP round trips on the same 2 cores."
            + (contention == null ? "" : cpuDuring(contention) + cpuPerOrder(o, contention))
            + (o.poolBusyErrors() > 0
                ? " The first thing to give out was orders' capacity: "
                    + f0(o.poolBusyErrors())
                    + " requests were refused at once with 503 and Retry-After (its database"
                    + " pool of 8 connections with its wait queue full, or too many requests in"
                    + " flight), telling clients to back off instead of queueing."
                : "")
            + (r.orderStatements == null
                ? ""
                : " What each order asks of PostgreSQL, statement by statement, is under *Where"
                    + " PostgreSQL's time goes per order*.")
            + " Oversell is prevented by reserving under row locks with a guarded UPDATE"
            + " (inventory's `ReservationSql`); the accounting above checks the outcome.");
  }

  /** The whole machine's CPU per confirmed order: what 500 orders/s would need with this design. */
  private static String cpuPerOrder(Results.Orders o, OpenRun c) {
    Double machine = c.cpu().get(CpuWindow.MACHINE);
    double perSecond = o.confirmedPerSecondInStock();
    if (machine == null || perSecond <= 0) {
      return "";
    }
    double ms = machine * 1000 / perSecond;
    return " That is "
        + Fmt.f1(ms)
        + " ms of CPU per confirmed order across all the processes (the load generator included);"
        + " 500 orders/s would need about "
        + Fmt.f1(ms * 500 / 1000)
        + " such cores.";
  }

  private static String cpuDuring(OpenRun c) {
    return " During the run the machine was busy "
        + cores(c.cpu(), CpuWindow.MACHINE)
        + " cores (orders "
        + cores(c.cpu(), "orders")
        + ", inventory "
        + cores(c.cpu(), "inventory")
        + ", users "
        + cores(c.cpu(), "users")
        + ", PostgreSQL "
        + cores(c.cpu(), "PostgreSQL")
        + ", Gatling "
        + cores(c.cpu(), "load generator")
        + ").";
  }
}
