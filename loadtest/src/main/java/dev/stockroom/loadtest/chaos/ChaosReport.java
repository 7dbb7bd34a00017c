package dev.stockroom.loadtest.chaos;

import com.samskivert.mustache.Mustache;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CHAOS.md from a history and the checker's verdict: the numbers go into a model, the words live
 * once in the template ({@code loadtest/chaos.md.mustache}); the timeline plot is {@link
 * ChaosPlot}'s.
 */
final class ChaosReport {
  private final History h;
  private final List<Checker.Property> properties;
  private final double totalSeconds;
  private final String command;

  ChaosReport(History h, List<Checker.Property> properties, double totalSeconds, String command) {
    this.h = h;
    this.properties = properties;
    this.totalSeconds = totalSeconds;
    this.command = command;
  }

  static Path plotNextTo(Path report) {
    Path dir = report.toAbsolutePath().getParent();
    return dir.resolve("loadtest").resolve("chaos-timeline.png");
  }

  void write(Path report, Path plot) {
    String plotLink = null;
    try {
      ChaosPlot.write(h, plot);
      plotLink = report.toAbsolutePath().getParent().relativize(plot.toAbsolutePath()).toString();
    } catch (RuntimeException e) {
      // The numbers matter more than the picture: the report says why it is missing.
      plotLink = null;
      ChaosRun.say("the plot could not be drawn: " + e);
    }
    try (Reader template =
        new InputStreamReader(
            ChaosReport.class.getResourceAsStream("/loadtest/chaos.md.mustache"),
            StandardCharsets.UTF_8)) {
      String text =
          Mustache.compiler().escapeHTML(false).compile(template).execute(model(plotLink));
      Files.createDirectories(report.toAbsolutePath().getParent());
      Files.writeString(report, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, Object> model(String plot) {
    Map<String, Object> m = new HashMap<>();
    long passed = properties.stream().filter(Checker.Property::passed).count();
    m.put("command", command);
    m.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    m.put("verdict", passed == properties.size() ? "Every property holds" : "VIOLATIONS FOUND");
    m.put("passed", passed);
    m.put("propertyCount", properties.size());
    m.put("lengthSeconds", Checker.fmt("%.0f", h.lengthMs / 1000));
    m.put("totalSeconds", Checker.fmt("%.0f", totalSeconds));
    m.put("instances", h.settings.instances());
    m.put("requests", h.writes.size() + h.reads.size() + h.orderAttempts.size());
    m.put("writes", h.writes.size());
    m.put("acked", h.writes.stream().filter(History.Write::acknowledged).count());
    m.put("reads", h.reads.size());
    m.put("rows", h.reads.stream().mapToLong(r -> r.rows().size()).sum());
    m.put("orderAttempts", h.orderAttempts.size());
    m.put("keys", h.orderAttempts.stream().map(History.OrderAttempt::key).distinct().count());
    m.put("orders", h.orders.size());
    m.put("faultCount", h.faults.size());
    m.put("faultsEnd", Checker.fmt("%.1f", h.settings.faultsEndMs() / 1000));
    m.put("bound", Checker.fmt("%.0f", h.settings.visibilityBoundMs() / 1000.0));
    m.put("kindCounts", kindCounts());
    List<Map<String, Object>> faults = new ArrayList<>();
    for (int i = 0; i < h.faults.size(); i++) {
      History.Fault f = h.faults.get(i);
      faults.add(
          Map.of(
              "n", i + 1,
              "start", Checker.fmt("%.1f", f.startMs() / 1000),
              "end", Checker.fmt("%.1f", f.endMs() / 1000),
              "kind", f.kind(),
              "what", f.what(),
              "outcome", f.outcome()));
    }
    m.put("faults", faults);
    List<Map<String, Object>> props = new ArrayList<>();
    for (int i = 0; i < properties.size(); i++) {
      Checker.Property p = properties.get(i);
      Map<String, Object> pm = new HashMap<>();
      pm.put("n", i + 1);
      pm.put("name", p.name());
      pm.put("status", p.passed() ? "pass" : "**FAIL**");
      pm.put(
          "numbers",
          p.numbers().entrySet().stream()
              .map(e -> Map.of("key", e.getKey(), "value", e.getValue()))
              .toList());
      pm.put("hasExamples", !p.counterexamples().isEmpty());
      pm.put("shown", p.counterexamples().size());
      pm.put("violations", p.violations());
      pm.put("counterexamples", p.counterexamples());
      props.add(pm);
    }
    m.put("properties", props);
    m.put("cells", Availability.cells(h).stream().filter(c -> c.requests() > 0).toList());
    m.put("plot", plot);
    return m;
  }

  private String kindCounts() {
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    h.faults.forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(k + " ×" + v));
    return String.join(", ", parts);
  }
}
