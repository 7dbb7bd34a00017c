package dev.stockroom.loadtest.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What each performance change bought, run by run: hand-written in {@code
 * loadtest/benchmarks-history.md} (a generated report cannot remember earlier runs) and carried
 * into every BENCHMARKS.md.
 */
final class HistorySection extends Section {
  static final String FILE = "loadtest/benchmarks-history.md";

  HistorySection(Report report) {
    super(report);
  }

  @Override
  void write() {
    Path history = opts.root().resolve(FILE);
    if (!Files.exists(history)) {
      return;
    }
    md.heading("History: what each change bought");
    md.line("Kept by hand in `" + FILE + "`; the numbers come from runs of this harness.");
    md.line();
    try {
      md.line(Files.readString(history).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    md.line();
  }
}
