package dev.stockroom.loadtest.report;

/** Rows of the summary table: target, measured, met. */
abstract class TargetRows extends Section {
  TargetRows(Report report) {
    super(report);
  }

  /** {@code met} is null where the target was not measured. */
  protected void target(String target, String measured, Boolean met) {
    md.row(target, measured, met == null ? "–" : met ? "✅ yes" : "❌ **no**");
  }
}
