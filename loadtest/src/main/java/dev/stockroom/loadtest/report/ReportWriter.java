package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.BenchOptions;
import dev.stockroom.loadtest.Results;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes BENCHMARKS.md and its PNG from one run's {@link Results}, section by section. */
public final class ReportWriter {
  public static final String PLOT = "benchmarks-latency.png";

  private final Results r;
  private final BenchOptions opts;
  private final Markdown md = new Markdown();

  public ReportWriter(Results results, BenchOptions opts) {
    this.r = results;
    this.opts = opts;
  }

  public void write() {
    Path out = opts.output();
    Path plotFile = out.toAbsolutePath().getParent().resolve("loadtest").resolve(PLOT);
    boolean plotted = false;
    try {
      LatencyPlot.write(plotFile, new PlotPanels(r, opts).panels());
      plotted = true;
    } catch (RuntimeException e) {
      // A missing plot should not cost the numbers; the report says why it is missing.
      r.notes.add("the plot could not be drawn: " + e.getMessage());
    }
    String rel = out.toAbsolutePath().getParent().relativize(plotFile).toString();
    render(plotted ? rel : null);
    try {
      Files.writeString(out, md.text());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Renders the document; {@code plot} is the PNG relative to it, null to leave it out. */
  void render(String plot) {
    Report report = new Report(r, opts, md);
    List<Section> sections =
        List.of(
            new IntroSection(report),
            new SummarySection(report),
            new MachineSection(report),
            new SetupSection(report),
            new ClosedLoopSection(report),
            new LayersSection(report),
            new OpenModelSection(report),
            new LagSection(report),
            new ReadYourWritesSection(report),
            new OrdersSection(report),
            new ScalingSection(report),
            new FaultsSection(report),
            new MemorySection(report),
            new PlotSection(report, plot),
            new LimitsSection(report),
            new ExplainSection(report),
            new HistorySection(report),
            new ReproduceSection(report));
    sections.forEach(Section::write);
  }

  /** For tests: the rendered Markdown. */
  String markdown() {
    return md.text();
  }
}
