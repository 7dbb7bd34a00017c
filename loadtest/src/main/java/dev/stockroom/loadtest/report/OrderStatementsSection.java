package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;
import static dev.stockroom.loadtest.report.Fmt.f1;
import static dev.stockroom.loadtest.report.Fmt.pct;
import static dev.stockroom.loadtest.report.Fmt.us;

import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Results.OpenRun;
import dev.stockroom.loadtest.system.StatementStats.Statement;
import java.util.List;
import java.util.Locale;

/**
 * What the order throughput run asked of PostgreSQL, per order placed: the statements that cost the
 * most execution time, from pg_stat_statements. It shows where an order's database time goes and so
 * what a faster saga would have to cut.
 */
final class OrderStatementsSection extends Section {
  private static final int SHOWN = 12;
  private static final int QUERY_CHARS = 110;

  OrderStatementsSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    Results.DatabaseWork w = r.orderStatements;
    if (w == null || w.ordersPlaced() == 0) {
      return;
    }
    double placed = w.ordersPlaced();
    double execMs = w.execMillis();
    md.subheading("Where PostgreSQL's time goes per order");
    md.line(
        "pg_stat_statements, reset when the throughput run's load started and read when it ended ("
            + f0(w.seconds())
            + " s, warm-up included; the outbox relays, replica consumers and saga worker of all"
            + " three services included): "
            + f0(placed)
            + " orders placed, "
            + f0(w.ordersConfirmed())
            + " of them confirmed by then. Each order cost **"
            + f1(w.calls() / placed)
            + " statements** and **"
            + us(execMs / placed)
            + "** of statement execution. Execution time is wall time inside PostgreSQL: it"
            + " includes waiting for row locks (every order for a hot SKU queues on that item's"
            + " row) and leaves out parsing, the wire protocol and background writers. So it is not CPU:"
            + " PostgreSQL's processes used "
            + postgresCores()
            + " cores during the measured part, while statements were executing (or waiting"
            + " inside PostgreSQL) "
            + String.format(Locale.ROOT, "%.2f", execMs / 1000 / w.seconds())
            + " at a time on average.");
    md.line();
    md.head("llrrr", "database", "statement", "calls per order", "time per order", "share");
    List<Statement> top = w.statements().stream().limit(SHOWN).toList();
    for (Statement s : top) {
      md.row(
          s.database(),
          code(s.query()),
          String.format(Locale.ROOT, "%.2f", s.calls() / placed),
          us(s.execMillis() / placed),
          pct(s.execMillis() / execMs));
    }
    List<Statement> rest = w.statements().stream().skip(SHOWN).toList();
    if (!rest.isEmpty()) {
      double restMs = rest.stream().mapToDouble(Statement::execMillis).sum();
      long restCalls = rest.stream().mapToLong(Statement::calls).sum();
      md.row(
          "",
          "the other " + rest.size() + " statements",
          String.format(Locale.ROOT, "%.2f", restCalls / placed),
          us(restMs / placed),
          pct(restMs / execMs));
    }
    md.row("", "**all**", Fmt.bold(f1(w.calls() / placed)), Fmt.bold(us(execMs / placed)), "");
    md.line();
  }

  private String postgresCores() {
    OpenRun run = r.open.get("contention");
    return Fmt.cores(run == null ? null : run.cpu(), "PostgreSQL");
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
