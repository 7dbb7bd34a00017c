package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.cores;
import static dev.stockroom.loadtest.report.Fmt.f0;
import static dev.stockroom.loadtest.report.Fmt.pct;
import static dev.stockroom.loadtest.report.Fmt.us;
import static dev.stockroom.loadtest.report.Runs.throughput;

import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.system.CpuWindow;

/**
 * What the wrk runs say limits the report: the shared machine, the service's work around the query,
 * query planning, and the owner calls of {@code maxStaleness=PT0S}.
 */
final class ClosedLoopLimits extends Section {
  ClosedLoopLimits(Report report) {
    super(report);
  }

  @Override
  void write() {
    ClosedLoop base = r.closed("baseline");
    ClosedLoop generic = r.closed("baseline-generic");
    ClosedLoop replica = r.closed("replica");
    ClosedLoop owner = r.closed("owner");
    if (base != null && replica != null) {
      machine(base, replica);
      serviceOverhead(base, replica);
    }
    if (base != null && generic != null) {
      planning(base, generic);
    }
    if (owner != null && replica != null) {
      composition(owner, replica);
    }
  }

  private void machine(ClosedLoop base, ClosedLoop replica) {
    md.bullet(
        "**The machine, first.** During the closed-loop runs the whole machine was busy "
            + cores(base.cpu(), CpuWindow.MACHINE)
            + " (baseline) and "
            + cores(replica.cpu(), CpuWindow.MACHINE)
            + " (replica) of "
            + nproc()
            + " cores: PostgreSQL took "
            + cores(base.cpu(), "PostgreSQL")
            + " / "
            + cores(replica.cpu(), "PostgreSQL")
            + ", the server "
            + cores(base.cpu(), "baseline")
            + " / "
            + cores(replica.cpu(), "inventory")
            + " and wrk "
            + cores(base.cpu(), "load generator")
            + " / "
            + cores(replica.cpu(), "load generator")
            + ". Every request is one report query; the database and the HTTP server"
            + " compete for the same cores as the load generator, so these are the ceiling of"
            + " this stack *on this machine*, not of PostgreSQL or Vert.x.");
  }

  private void serviceOverhead(ClosedLoop base, ClosedLoop replica) {
    md.bullet(
        "**What the service adds around the query:** per request the bare server spent "
            + us(msPerRequest(base, "baseline"))
            + " of CPU and inventory "
            + us(msPerRequest(replica, "inventory"))
            + " (JWT verification, OpenAPI validation of the query, routing, metrics, the"
            + " freshness check); PostgreSQL spent "
            + us(msPerRequest(base, "PostgreSQL"))
            + " vs "
            + us(msPerRequest(replica, "PostgreSQL"))
            + " per request for the same statement (inventory's background work — replica"
            + " consumer, watermarks, sweepers — also uses the database). The replica path"
            + " reached "
            + pct(throughput(replica) / throughput(base))
            + " of the baseline's throughput.");
  }

  /** CPU milliseconds a process group spent per request answered. */
  private static double msPerRequest(ClosedLoop c, String group) {
    return 1000.0 * Runs.cores(c, group) / Math.max(1, throughput(c));
  }

  private void planning(ClosedLoop base, ClosedLoop generic) {
    double gain = throughput(generic) / throughput(base);
    md.bullet(
        "**Query planning is a large part of the database's work.** With the default"
            + " `plan_cache_mode` PostgreSQL plans the report's prepared statement afresh for"
            + " every execution (a *custom* plan; see the planning time in the EXPLAIN below)."
            + " The same bare server with `plan_cache_mode=force_generic_plan` reached "
            + f0(throughput(generic))
            + " req/s vs "
            + f0(throughput(base))
            + " ("
            + pct(gain)
            + "), PostgreSQL using "
            + cores(generic.cpu(), "PostgreSQL")
            + " vs "
            + cores(base.cpu(), "PostgreSQL")
            + " cores."
            + (gain > 1.05
                ? " inventory runs with it (`PG_PLAN_CACHE_MODE`, whose default is"
                    + " `force_generic_plan` for inventory alone), which is why the report is"
                    + " compared with this baseline."
                : "")
            + " A caveat measured while building this harness: a generic plan made before the"
            + " freshly seeded tables had statistics is a bad one (it reads and sorts every"
            + " low-stock item, ~6 ms instead of ~0.5 ms), and in `auto` mode PostgreSQL keeps"
            + " choosing it for a connection's statement once its early custom plans looked"
            + " expensive — the report then ran at a quarter of its speed, for the baseline and"
            + " the service alike, until the connections were replaced. The runner therefore"
            + " runs ANALYZE right after seeding, as autovacuum would within a minute.");
  }

  private void composition(ClosedLoop owner, ClosedLoop replica) {
    md.bullet(
        "**API composition (`maxStaleness=PT0S`)** turns each report into a report query"
            + " *plus* a batched `GET /users?ids=` for the page's stockers *plus* a batched"
            + " upsert writing the answers back into the replica: "
            + f0(throughput(owner))
            + " req/s vs "
            + f0(throughput(replica))
            + " on the replica, with users using "
            + cores(owner.cpu(), "users")
            + " cores and PostgreSQL "
            + cores(owner.cpu(), "PostgreSQL")
            + " (vs "
            + cores(replica.cpu(), "PostgreSQL")
            + "). Concurrent owner calls for the same ids are coalesced and bounded (16 in"
            + " flight); a request the bulkhead refuses is answered from the local copy"
            + " flagged stale, counted as *stale* above and as failed in Gatling.");
  }
}
