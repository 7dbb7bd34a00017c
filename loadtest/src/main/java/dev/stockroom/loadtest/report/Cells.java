package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.LatencyStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Groups of cells several tables share, so the same columns read the same everywhere. */
final class Cells {
  private Cells() {}

  /** p50, p95, p99, p99.9 and max; p99 in bold where it is the figure the table is about. */
  static List<String> latency(LatencyStats s, boolean boldP99) {
    return List.of(
        Fmt.ms(s.p50()), Fmt.ms(s.p95()), p99(s, boldP99), Fmt.ms(s.p999()), Fmt.ms(s.max()));
  }

  /** p50, p95, p99 and max, for tables without room for p99.9. */
  static List<String> latencyWithoutP999(LatencyStats s, boolean boldP99) {
    return List.of(Fmt.ms(s.p50()), Fmt.ms(s.p95()), p99(s, boldP99), Fmt.ms(s.max()));
  }

  /** Cores used by each of the groups, in the order given. */
  static List<String> cores(Map<String, Double> cpu, String... groups) {
    List<String> cells = new ArrayList<>();
    for (String g : groups) {
      cells.add(Fmt.cores(cpu, g));
    }
    return cells;
  }

  private static String p99(LatencyStats s, boolean bold) {
    return bold ? Fmt.bold(Fmt.ms(s.p99())) : Fmt.ms(s.p99());
  }
}
