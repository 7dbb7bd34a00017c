package dev.stockroom.loadtest.report;

/** The report query's plans, folded, so the planning-time finding can be checked. */
final class ExplainSection extends Section {
  ExplainSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    if (r.explain.isEmpty()) {
      return;
    }
    md.heading("EXPLAIN ANALYZE of the report query");
    md.line(
        "inventory's `LowStockQuery.SQL` as a prepared statement on the seeded data (first page,"
            + " 50 rows), after ANALYZE. Both plans walk the (quantity, sku) index and stop after"
            + " 50 rows; the difference is that a custom plan pays its planning time on every"
            + " execution, a generic one once per connection.");
    md.line();
    r.explain.forEach(
        (k, v) -> {
          md.line("<details><summary>" + k + "</summary>");
          md.line();
          md.line("```");
          v.forEach(md::line);
          md.line("```");
          md.line();
          md.line("</details>");
          md.line();
        });
  }
}
