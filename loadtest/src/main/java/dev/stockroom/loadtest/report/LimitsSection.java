package dev.stockroom.loadtest.report;

/** "What limits it": the findings by topic, the limits of the measurement, the run's notes. */
final class LimitsSection extends Section {
  LimitsSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.heading("What limits it");
    new ClosedLoopLimits(report).write();
    new OpenLoadLimits(report).write();
    md.bullet(
        "**Measurement limits:** Gatling reports whole milliseconds (a 1 ms p50 means"
            + " \"under 2 ms\"); wrk and the lag probe record microseconds. The load generators"
            + " take CPU from the system under test (see the CPU columns); with the generator on"
            + " another machine every throughput here would be higher.");
    r.notes.forEach(md::bullet);
    md.line();
  }
}
