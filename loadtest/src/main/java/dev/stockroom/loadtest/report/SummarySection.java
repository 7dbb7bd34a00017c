package dev.stockroom.loadtest.report;

/** One row per target: what was asked, what was measured, whether it was met. */
final class SummarySection extends Section {
  SummarySection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.heading("Summary against the targets");
    md.head("lll", "target", "measured", "met");
    new PeerTargets(report).write();
    new ReportTargets(report).write();
    new SystemTargets(report).write();
    md.line();
  }
}
