package dev.stockroom.loadtest.report;

import java.util.Locale;
import java.util.Map;

/** The report's number formats; {@link Locale#ROOT} so the file reads the same on any machine. */
final class Fmt {
  private Fmt() {}

  /** Milliseconds, with the decimals that matter at that size: 0.43 ms, 12.6 ms, 1,234 ms. */
  static String ms(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%,.0f ms", v);
    }
    return String.format(Locale.ROOT, v >= 10 ? "%.1f ms" : "%.2f ms", v);
  }

  /** Milliseconds written as whole microseconds. */
  static String us(double ms) {
    return String.format(Locale.ROOT, "%.0f µs", ms * 1000);
  }

  /** A whole number with thousands separators. */
  static String f0(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  static String f1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** A ratio as a whole percentage: 0.81 is 81%. */
  static String pct(double ratio) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * ratio);
  }

  /** A value that already is a percentage, to two decimals. */
  static String pct2(double percent) {
    return String.format(Locale.ROOT, "%.2f%%", percent);
  }

  static String mb(long kb) {
    return String.format(Locale.ROOT, "%.0f MB", kb / 1024.0);
  }

  static String gib(long kb) {
    return String.format(Locale.ROOT, "%.1f GiB", kb / 1048576.0);
  }

  /** Cores one process group used, or "–" where it was not measured. */
  static String cores(Map<String, Double> cpu, String group) {
    if (cpu == null || !cpu.containsKey(group)) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f", cpu.get(group));
  }

  /** A target's verdict in the summary. */
  static String verdict(boolean met) {
    return met ? "✅ yes" : "❌ **no**";
  }

  static String bold(String s) {
    return "**" + s + "**";
  }
}
