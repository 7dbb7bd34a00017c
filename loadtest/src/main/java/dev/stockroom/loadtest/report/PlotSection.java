package dev.stockroom.loadtest.report;

import java.util.Map;

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
    if (plot != null) {
      md.raw(Template.render("plot", Map.of("plot", plot)));
    }
  }
}
