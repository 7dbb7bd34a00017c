package dev.stockroom.loadtest.report;

/** The latency plot and how to read it; left out when the plot could not be drawn. */
final class PlotSection extends Section {
  private final String plot;

  /** {@code plot} is the PNG's path relative to BENCHMARKS.md, or null when there is none. */
  PlotSection(Report report, String plot) {
    super(report);
    this.plot = plot;
  }

  @Override
  void write() {
    if (plot == null) {
      return;
    }
    md.heading("Latency plot");
    md.line("![latency by percentile and over time](" + plot + ")");
    md.line();
    md.line(
        "Top: latency by percentile (x: 0, 90, 99, 99.9, 99.99 %; y: milliseconds, log scale)"
            + " for the closed-loop comparison (wrk) and the open-model runs (Gatling, whole"
            + " milliseconds). Middle left: the replication lag probe. Then p50 and p99 per"
            + " second through each fault run (shaded: the fault window; red ticks: seconds"
            + " with failed requests).");
    md.line();
  }
}
