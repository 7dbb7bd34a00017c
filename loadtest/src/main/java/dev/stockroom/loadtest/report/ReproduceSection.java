package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.Results.OpenRun;
import java.nio.file.Path;
import java.util.TreeMap;

/** How to run it again, where Gatling's reports are, and the options in force. */
final class ReproduceSection extends Section {
  ReproduceSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.heading("Reproduce");
    md.line("```sh");
    md.line(r.command + "            # writes BENCHMARKS.md and loadtest/" + ReportWriter.PLOT);
    md.line("loadtest/run-benchmarks.sh --quick    # ~5 minutes, for checking the harness");
    md.line("```");
    md.line();
    md.line(
        "It builds what is missing, starts embedded PostgreSQL and Kafka, the three services"
            + " (each its own JVM) and the baselines on free ports, seeds, runs every scenario"
            + " above, stops everything and writes this file. Needs a JDK 17 and `wrk` (the"
            + " script installs the Debian package when it can). Rates, durations and sizes are"
            + " options (`--reportRate=3000`, `--orderSeconds=60`, …; see"
            + " `loadtest/src/main/java/dev/stockroom/loadtest/BenchOptions.java`). A single"
            + " simulation against a system you started yourself (e.g. `java -jar"
            + " launcher/target/stockroom.jar dev`, after seeding):");
    md.line();
    md.line("```sh");
    md.line(
        "./mvnw -pl loadtest -Pbenchmark gatling:test \\\n"
            + "  -Dgatling.simulationClass=dev.stockroom.loadtest.simulations.LowStockReadSimulation \\\n"
            + "  -Dbench.inventoryUrl=http://localhost:8082 -Dbench.rate=500 -Dbench.duration=30 \\\n"
            + "  -Dbench.dataDir=loadtest/target/bench/data -Dbench.p99Ms=50 -Dbench.maxErrorPct=0");
    md.line("```");
    md.line();
    md.line(
        "Gatling's HTML reports of this run (not committed) are under"
            + " `loadtest/target/bench/gatling/`:");
    md.line();
    for (OpenRun o : r.open.values()) {
      Path dir = o.run().reportDir();
      md.bullet(
          o.label()
              + ": `"
              + (dir == null ? "?" : opts.root().relativize(dir.toAbsolutePath()))
              + "/index.html`");
    }
    md.line();
    md.line("Options in force for this run: `" + new TreeMap<>(r.options) + "`.");
  }
}
