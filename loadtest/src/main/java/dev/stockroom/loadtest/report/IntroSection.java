package dev.stockroom.loadtest.report;

import java.util.List;
import java.util.Map;

/** The title, where the numbers come from, and the scenarios that failed to run. */
final class IntroSection extends Section {
  IntroSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    List<String> failures =
        r.failures.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
    md.raw(
        Template.render(
            "intro",
            Map.of(
                "command", r.command,
                "mode", r.mode,
                "started", r.startedAt.substring(0, 16).replace('T', ' '),
                "minutes", Math.round(r.totalSeconds / 60.0),
                "nproc", nproc(),
                "hasFailures", !failures.isEmpty(),
                "failures", failures)));
  }
}
