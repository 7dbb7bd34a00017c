package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;
import static dev.stockroom.loadtest.report.Fmt.f1;
import static dev.stockroom.loadtest.report.Fmt.ms;
import static dev.stockroom.loadtest.report.Fmt.pct;
import static dev.stockroom.loadtest.report.Fmt.us;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Results.OpenRun;
import dev.stockroom.loadtest.system.StatementStats.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The order sagas under contention (throughput on hot SKUs, then selling the last units) and what
 * the throughput run asked of PostgreSQL per order, from pg_stat_statements: where an order's
 * database time goes, and so what a faster saga would have to cut. Words in {@code
 * loadtest/orders.md.mustache}.
 */
final class OrdersSection extends Section {
  private static final int SHOWN = 12;
  private static final int QUERY_CHARS = 110;

  OrdersSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    OpenRun run = r.open.get("contention");
    OpenRun sell = r.open.get("sellout");
    boolean throughput = r.orders != null && run != null;
    boolean sellout = r.sellout != null && sell != null;
    Map<String, Object> m = new HashMap<>();
    m.put("measured", throughput || sellout);
    m.put(
        "throughput",
        !throughput
            ? false
            : outcome(
                r.orders,
                run,
                Map.of(
                    "hot", opts.s("hot"),
                    "stock", f0(r.seed == null ? 0 : r.seed.plan().hotStock()))));
    m.put(
        "sellout",
        !sellout
            ? false
            : outcome(
                r.sellout,
                sell,
                Map.of(
                    "skus", opts.s("sellout"),
                    "stock", f0(r.seed == null ? 0 : r.seed.plan().selloutStock()))));
    Results.DatabaseWork w = r.orderStatements;
    m.put("statements", w == null || w.ordersPlaced() == 0 ? false : statements(w));
    md.raw(Template.render("orders", m));
  }

  /** What one order run did: requests, outcomes, stock accounting and the oversell verdict. */
  private static Map<String, Object> outcome(
      Results.Orders o, OpenRun run, Map<String, Object> scenario) {
    LatencyStats g = run.run().global();
    Map<String, Object> m = new HashMap<>(scenario);
    m.put("rate", f0(run.rate()));
    m.put("seconds", f0(Runs.plannedSeconds(run)));
    m.put("sent", f0(g.requests()));
    m.put("failed", g.errors());
    m.put("p50", ms(g.p50()));
    m.put("p99", ms(g.p99()));
    m.put("refused", o.poolBusyErrors() > 0 ? f0(o.poolBusyErrors()) : false);
    m.put("byStatus", String.valueOf(o.byStatus()));
    m.put("rejections", o.rejections().isEmpty() ? "none" : String.valueOf(o.rejections()));
    m.put("perSecond", f0(o.confirmedPerSecondInStock()));
    m.put("soldOut", o.soldOut());
    m.put("inStock", f1(o.inStockSeconds()));
    m.put("overall", f0(o.confirmedPerSecond()));
    m.put("before", f0(o.hotStockBefore()));
    m.put("sold", f0(o.soldByInventory()));
    m.put("held", f0(o.confirmedQuantity()));
    m.put("reservations", f0(o.confirmedReservations()));
    m.put("oversold", o.oversold());
    m.put("pending", o.stillPending());
    m.put("perSku", String.join("; ", o.perSku()));
    return m;
  }

  private Map<String, Object> statements(Results.DatabaseWork w) {
    double placed = w.ordersPlaced();
    double execMs = w.execMillis();
    Map<String, Object> m = new HashMap<>();
    m.put("seconds", f0(w.seconds()));
    m.put("placed", f0(placed));
    m.put("confirmed", f0(w.ordersConfirmed()));
    m.put("perOrder", f1(w.calls() / placed));
    m.put("execPerOrder", us(execMs / placed));
    OpenRun run = r.open.get("contention");
    m.put("postgresCores", Fmt.cores(run == null ? null : run.cpu(), "PostgreSQL"));
    m.put("concurrency", String.format(Locale.ROOT, "%.2f", execMs / 1000 / w.seconds()));
    m.put(
        "rows",
        w.statements().stream()
            .limit(SHOWN)
            .map(
                s ->
                    Map.of(
                        "database", s.database(),
                        "statement", code(s.query()),
                        "calls", String.format(Locale.ROOT, "%.2f", s.calls() / placed),
                        "time", us(s.execMillis() / placed),
                        "share", pct(s.execMillis() / execMs)))
            .toList());
    List<Statement> rest = w.statements().stream().skip(SHOWN).toList();
    double restMs = rest.stream().mapToDouble(Statement::execMillis).sum();
    long restCalls = rest.stream().mapToLong(Statement::calls).sum();
    m.put(
        "rest",
        rest.isEmpty()
            ? false
            : Map.of(
                "count", rest.size(),
                "calls", String.format(Locale.ROOT, "%.2f", restCalls / placed),
                "time", us(restMs / placed),
                "share", pct(restMs / execMs)));
    return m;
  }

  /** One line of SQL in a code span, shortened; a table cell cannot hold a pipe or a backtick. */
  static String code(String query) {
    String oneLine = query.replaceAll("\\s+", " ").trim();
    if (oneLine.length() > QUERY_CHARS) {
      oneLine = oneLine.substring(0, QUERY_CHARS - 1) + "…";
    }
    return "`" + oneLine.replace('`', '\'').replace("|", "\\|") + "`";
  }
}
