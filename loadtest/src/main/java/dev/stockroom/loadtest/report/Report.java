package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.BenchOptions;
import dev.stockroom.loadtest.Results;

/** The report being written: the run's results, the options it ran with, the document. */
record Report(Results results, BenchOptions opts, Markdown md) {}
