package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.mb;

import dev.stockroom.loadtest.Results;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Peak resident memory of each service per scenario, and which ones died of OOM. */
final class MemorySection extends Section {
  MemorySection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.raw(
        Template.render(
            "memory",
            Map.of(
                "measured",
                r.memory.isEmpty()
                    ? false
                    : Map.of("xmx", opts.s("serviceXmx"), "table", Markdown.of(this::table)))));
  }

  private void table(Markdown t) {
    List<String> sampled = new ArrayList<>();
    for (Results.Memory m : r.memory) {
      sampled.addAll(m.peakRssKbByScenario().keySet());
    }
    // A column per scenario that was sampled, in the order the scenarios ran.
    List<String> cols = Scenarios.IN_RUN_ORDER.stream().filter(sampled::contains).toList();
    List<String> names = new ArrayList<>(List.of("service", "heap cap"));
    names.addAll(cols);
    names.addAll(List.of("peak", "at the end", "crashed (OutOfMemoryError) during"));
    t.head("ll" + "r".repeat(cols.size()) + "rrl", names);
    for (Results.Memory m : r.memory) {
      List<String> peaks = new ArrayList<>();
      for (String c : cols) {
        Long v = m.peakRssKbByScenario().get(c);
        peaks.add(v == null ? "–" : mb(v));
      }
      t.row(
          m.service(),
          m.xmx(),
          peaks,
          Fmt.bold(mb(m.peakRssKb())),
          mb(m.finalRssKb()),
          m.crashedDuring().isEmpty()
              ? (m.outOfMemory() ? "**OOM seen in the log**" : "never")
              : Fmt.bold(String.join(", ", m.crashedDuring())));
    }
  }
}
