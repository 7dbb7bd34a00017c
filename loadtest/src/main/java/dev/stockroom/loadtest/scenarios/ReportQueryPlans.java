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
    String prepare = "PREPARE q(int, int, text, text, int, text) AS " + sql;
    String execute = "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE q(5, -1, '', NULL, 50, 'users.v1')";
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
