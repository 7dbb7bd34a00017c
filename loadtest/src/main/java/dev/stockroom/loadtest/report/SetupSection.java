package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;
import static dev.stockroom.loadtest.report.Fmt.f1;

import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.SeedPlan;
import dev.stockroom.loadtest.Seeder;
import java.util.HashMap;
import java.util.Map;

/** What ran: the processes, the bare baseline, the report request and the seeded data. */
final class SetupSection extends Section {
  SetupSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    Results.ClosedLoop replica = r.closed("replica");
    Map<String, Object> m = new HashMap<>();
    m.put("xmx", opts.s("serviceXmx"));
    m.put(
        "baselinePools",
        "per-loop".equals(opts.s("baselinePools"))
            ? "a pool of 4 per verticle, opened on its event loop as the services' are"
                + " (`--baselinePools=per-loop`)"
            : "one pool of 8 shared by both, as the obvious server has it");
    m.put("responseKb", replica == null ? "?" : f1(replica.result().bytesPerResponse() / 1024.0));
    m.put("seed", r.seed == null ? false : seed(r.seed));
    md.raw(Template.render("what-ran", m));
  }

  private static Map<String, Object> seed(Seeder.Seeded seed) {
    SeedPlan p = seed.plan();
    Map<String, Object> m = new HashMap<>();
    m.put("users", f0(p.users()));
    m.put("customers", f0(p.customers()));
    m.put("stockers", f0(p.stockers()));
    m.put("probes", p.probes());
    m.put("items", f0(p.items()));
    m.put("lowStock", f0(p.lowStock()));
    m.put("catalog", f0(p.catalog()));
    m.put("hot", p.hot());
    m.put("hotStock", f0(p.hotStock()));
    m.put("restocks", f0(p.restocks()));
    m.put(
        "steps",
        seed.steps().stream()
            .map(
                s ->
                    Map.of(
                        "what", s.what(),
                        "count", f0(s.count()),
                        "seconds", f1(s.seconds()),
                        "perSecond", f0(s.perSecond())))
            .toList());
    m.put("requests", f0(p.requests()));
    m.put("totalSeconds", f1(seed.seconds()));
    return m;
  }
}
