package dev.stockroom.k8s;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The metric names a PromQL expression reads, and whether the services publish them. */
final class PromQl {
  private static final Pattern METRIC =
      Pattern.compile("\\b([a-z][a-z0-9_]*)\\s*(?=[{)]|\\s*[<>=!]|\\[)");
  private static final Set<String> FUNCTIONS =
      Set.of("max", "sum", "increase", "rate", "histogram_quantile", "by", "le");
  private static final Pattern HISTOGRAM = Pattern.compile("_seconds_(bucket|count|sum|max)$");

  private PromQl() {}

  /** Metric names in {@code expr}, without label lists, PromQL functions and Vert.x's own. */
  static Set<String> metrics(String expr) {
    Matcher m = METRIC.matcher(expr.replaceAll("\\b(by|without)\\s*\\([^)]*\\)", ""));
    Set<String> names = new TreeSet<>();
    while (m.find()) {
      String name = m.group(1);
      if (!FUNCTIONS.contains(name) && !name.startsWith("vertx_")) {
        names.add(name);
      }
    }
    return names;
  }

  /**
   * The names no service registers: a meter's name in quotes in some main source, a timer's {@code
   * _seconds_bucket} (and the like) stripped first.
   */
  static Set<String> unpublished(Collection<String> metrics) {
    String code = mainSources();
    Set<String> missing = new TreeSet<>();
    for (String metric : metrics) {
      String registered = HISTOGRAM.matcher(metric).replaceFirst("");
      if (!code.contains("\"" + registered + "\"")) {
        missing.add(metric);
      }
    }
    return missing;
  }

  private static String mainSources() {
    StringBuilder code = new StringBuilder();
    String main = File.separator + "src" + File.separator + "main";
    try (Stream<Path> files = Files.walk(K8sTree.REPO)) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".java") && p.toString().contains(main))
              .toList()) {
        code.append(Files.readString(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return code.toString();
  }
}
