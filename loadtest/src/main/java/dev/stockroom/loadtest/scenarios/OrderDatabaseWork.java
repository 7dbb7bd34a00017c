package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.system.StatementStats;
import java.util.Map;

/**
 * Counts what PostgreSQL executes for an order run: statement counters reset when the load starts
 * and read as soon as it ends, with the orders placed and confirmed in between.
 */
final class OrderDatabaseWork {
  private static final String COUNTS =
      "SELECT count(*) AS placed, count(*) FILTER (WHERE status = 'CONFIRMED') AS confirmed"
          + " FROM orders";

  private final BenchContext ctx;
  private final StatementStats stats;
  private final Map<String, Object> before;
  private final long startNanos;

  private OrderDatabaseWork(BenchContext ctx, StatementStats stats, Map<String, Object> before) {
    this.ctx = ctx;
    this.stats = stats;
    this.before = before;
    this.startNanos = System.nanoTime();
  }

  static OrderDatabaseWork begin(BenchContext ctx) {
    Map<String, Object> before = counts(ctx);
    StatementStats stats = ctx.infra().statements();
    stats.start();
    return new OrderDatabaseWork(ctx, stats, before);
  }

  Results.DatabaseWork end() {
    var statements = stats.stop();
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    Map<String, Object> after = counts(ctx);
    return new Results.DatabaseWork(
        delta(after, "placed"), delta(after, "confirmed"), seconds, statements);
  }

  private long delta(Map<String, Object> after, String column) {
    return ((Number) after.get(column)).longValue() - ((Number) before.get(column)).longValue();
  }

  private static Map<String, Object> counts(BenchContext ctx) {
    return ctx.ordersDb().query(COUNTS).get(0);
  }
}
