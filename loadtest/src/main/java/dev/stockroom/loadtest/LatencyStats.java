package dev.stockroom.loadtest;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One measured series: how many, how many failed, over how long, and latency percentiles in
 * milliseconds. {@code curve} holds (percentile, ms) points for the plot.
 */
public record LatencyStats(
    String label,
    long requests,
    long errors,
    double seconds,
    double p50,
    double p95,
    double p99,
    double p999,
    double max,
    List<double[]> curve) {

  /** The percentiles the plot draws. */
  public static final double[] CURVE =
      new double[] {0, 10, 25, 50, 75, 90, 95, 97, 99, 99.5, 99.9, 99.95, 99.99};

  public double throughput() {
    return seconds <= 0 ? 0 : requests / seconds;
  }

  public double errorPercent() {
    return requests == 0 ? 0 : 100.0 * errors / requests;
  }

  /** From a histogram recorded in microseconds. */
  public static LatencyStats fromMicros(String label, Histogram h, long errors, double seconds) {
    List<double[]> curve = new ArrayList<>();
    for (double p : CURVE) {
      curve.add(new double[] {p, ms(h, p)});
    }
    return new LatencyStats(
        label,
        h.getTotalCount() + errors,
        errors,
        seconds,
        ms(h, 50),
        ms(h, 95),
        ms(h, 99),
        ms(h, 99.9),
        h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0,
        curve);
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
