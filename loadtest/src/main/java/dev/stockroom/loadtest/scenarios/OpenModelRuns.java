package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The low-stock report under an open model: replica against owner, and at the target rate. */
public record OpenModelRuns(BenchContext ctx) {

  /** Both read paths at the same rate, one the owner path can keep up with. */
  public void compare() {
    double rate = new OpenModelLoad(ctx).rateOf("compareRate", "owner");
    double seconds = ctx.opts().d("compareSeconds");
    lowStockRead(
        "compare-replica",
        "LowStockRead, replica, %.0f/s",
        rate,
        seconds,
        Map.of("bench.p99Ms", "1000", "bench.maxErrorPct", "1"));
    ctx.pause(2000);
    lowStockRead(
        "compare-owner",
        "LowStockRead, maxStaleness=PT0S, %.0f/s",
        rate,
        seconds,
        Map.of("bench.maxStaleness", "PT0S", "bench.p99Ms", "1000", "bench.maxErrorPct", "1"));
  }

  /** The report at the target rate and latency budget (which may overload the machine). */
  public void report() {
    lowStockRead(
        "report-target",
        "LowStockRead, replica, %.0f/s",
        ctx.opts().d("reportRate"),
        ctx.opts().d("reportSeconds"),
        Map.of("bench.p99Ms", ctx.opts().s("reportP99Ms"), "bench.maxErrorPct", "0"));
  }

  /** The low-stock read simulation without faults; {@code label} formats the rate. */
  private void lowStockRead(
      String key, String label, double rate, double seconds, Map<String, String> properties) {
    new OpenModelLoad(ctx)
        .run(
            key,
            String.format(Locale.ROOT, label, rate),
            OpenModelLoad.LOW_STOCK,
            rate,
            seconds,
            properties,
            List.of());
  }
}
