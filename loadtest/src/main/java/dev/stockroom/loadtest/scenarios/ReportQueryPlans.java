package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.baseline.BaselineServer;
import java.util.List;

/**
 * EXPLAIN ANALYZE of the report query as a prepared statement in both plan cache modes: why the two
 * bare baselines differ.
 */
public record ReportQueryPlans(BenchContext ctx) {
  public void run() {
    String sql = BaselineServer.lowStockSql();
    // The types and values of LowStockQuery's parameters: below, the keyset, the stocker prefix,
    // the limit, the partitions' watermarks as passed in, and the field list's date.
    String prepare = "PREPARE q(int, int, text, text, int, timestamptz[], timestamptz) AS " + sql;
    String execute =
        "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE q(5, -1, '', NULL, 50, array_fill(now(),"
            + " ARRAY[64]), '0001-01-01T00:00:00Z')";
    ctx.results()
        .explain
        .put(
            "default plan_cache_mode (first execution: a custom plan)",
            ctx.inventoryDb().lines(List.of(prepare, execute)));
    ctx.results()
        .explain
        .put(
            "plan_cache_mode=force_generic_plan",
            ctx.inventoryDb()
                .lines(List.of("SET plan_cache_mode = force_generic_plan", prepare, execute)));
  }
}
