package dev.stockroom.loadtest.report;

import java.util.Map;

/** The report query's plans, folded, so the planning-time finding can be checked. */
final class ExplainSection extends Section {
  ExplainSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    if (r.explain.isEmpty()) {
      return;
    }
    md.raw(
        Template.render(
            "explain",
            Map.of(
                "plans",
                r.explain.entrySet().stream()
                    .map(e -> Map.of("name", e.getKey(), "lines", e.getValue()))
                    .toList())));
  }
}
