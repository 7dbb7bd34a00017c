package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;
import static dev.stockroom.loadtest.report.Fmt.f1;

import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.SeedPlan;
import dev.stockroom.loadtest.Seeder;

/** What ran: the processes, the bare baseline, the report request and the seeded data. */
final class SetupSection extends Section {
  SetupSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.heading("What ran");
    md.bullet(
        "**Processes:** users, inventory and orders each as its own JVM (`java -Xmx"
            + opts.s("serviceXmx")
            + " -XX:+ExitOnOutOfMemoryError -jar <service>.jar`, default GC, HTTP_INSTANCES ="
            + " cores, pool of 8 connections), the way they run in Kubernetes; PostgreSQL"
            + " (one database per service) and Kafka embedded; two bare baseline JVMs with the"
            + " same flags.");
    md.bullet(
        "**Bare baseline:** a minimal Vert.x 5 + pg-client server (2 verticles, one pool of 8,"
            + " prepared statement cache, pipelining as in the services) running inventory's own"
            + " `LowStockQuery.SQL` (read from the class, so it cannot drift) against inventory's"
            + " database, rendering the same JSON with the same `Item` code — and nothing else:"
            + " no JWT check, no OpenAPI validation, no router, no metrics, no freshness budget."
            + " A second instance runs with `plan_cache_mode=force_generic_plan` on its"
            + " connections.");
    Results.ClosedLoop replica = r.closed("replica");
    md.bullet(
        "**The report request:** `GET /items/low-stock?limit=50` (first page, 50 items"
            + " below the threshold, each with its last stocker from the replica: about"
            + " "
            + (replica == null ? "?" : f1(replica.result().bytesPerResponse() / 1024.0))
            + " KB of JSON), with a stocker's token.");
    if (r.seed != null) {
      seedData(r.seed);
    }
    md.line();
  }

  private void seedData(Seeder.Seeded seed) {
    SeedPlan p = seed.plan();
    md.bullet(
        "**Data (seeded through the public APIs before measuring):** "
            + f0(p.users())
            + " people ("
            + f0(p.customers())
            + " customers, "
            + f0(p.stockers())
            + " stockers, "
            + p.probes()
            + " lag-probe people), "
            + f0(p.items())
            + " items ("
            + f0(p.lowStock())
            + " below their threshold, each restocked by a stocker; "
            + f0(p.catalog())
            + " catalog items; "
            + p.hot()
            + " hot items with "
            + f0(p.hotStock())
            + " units each), "
            + f0(p.restocks())
            + " restocks.");
    md.line();
    md.head("lrrr", "seeding step", "count", "seconds", "per second");
    for (Seeder.Step s : seed.steps()) {
      md.row(s.what(), f0(s.count()), f1(s.seconds()), f0(s.perSecond()));
    }
    md.row("**total**", f0(p.requests()) + " requests", f1(seed.seconds()), "");
  }
}
