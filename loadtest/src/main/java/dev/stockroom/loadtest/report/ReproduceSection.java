package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.Results.OpenRun;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** How to run it again, where Gatling's reports are, and the options in force. */
final class ReproduceSection extends Section {
  ReproduceSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.raw(
        Template.render(
            "reproduce",
            Map.of(
                "command",
                r.command,
                "plot",
                ReportWriter.PLOT,
                "reports",
                r.open.values().stream()
                    .map(o -> Map.of("label", o.label(), "dir", reportDir(o)))
                    .toList(),
                "options",
                String.valueOf(new TreeMap<>(r.options)))));
  }

  private String reportDir(OpenRun o) {
    Path dir = o.run().reportDir();
    return dir == null ? "?" : opts.root().relativize(dir.toAbsolutePath()).toString();
  }
}
