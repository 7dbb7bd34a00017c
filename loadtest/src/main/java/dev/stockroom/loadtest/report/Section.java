package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.BenchOptions;
import dev.stockroom.loadtest.Results;

/** One part of BENCHMARKS.md, written from the run's results into the shared document. */
abstract class Section {
  protected final Report report;
  protected final Results r;
  protected final BenchOptions opts;
  protected final Markdown md;

  Section(Report report) {
    this.report = report;
    this.r = report.results();
    this.opts = report.opts();
    this.md = report.md();
  }

  abstract void write();

  /** The machine's core count for the prose; "?" when the machine was not recorded. */
  protected String nproc() {
    return r.machine == null ? "?" : String.valueOf(r.machine.nproc());
  }
}
