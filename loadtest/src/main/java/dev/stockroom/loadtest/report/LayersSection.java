package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.scenarios.LayerPrices;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.Map;

/** What each platform layer costs the report per request: inventory with it and without it. */
final class LayersSection extends Section {
  LayersSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    if (r.layers.isEmpty()) {
      return;
    }
    md.raw(
        Template.render(
            "layers",
            Map.of(
                "connections",
                r.layers.get(0).connections(),
                "rounds",
                opts.s("closedRounds"),
                "table",
                Markdown.of(this::table))));
  }

  private void table(Markdown t) {
    // The control started with the copies and warmed up with them: the like-for-like reference.
    ClosedLoop reference = layer(LayerPrices.CONTROL);
    if (reference == null) {
      reference = layer(LayerPrices.FULL);
    }
    t.head(
        "lrrrrrrr",
        "server",
        "req/s",
        "spread",
        "p99",
        "its CPU per request",
        "price of what is off (vs the control)",
        "PostgreSQL CPU per request",
        "machine busy");
    for (ClosedLoop c : r.layers) {
      double own = 1000 * Runs.cpuMs(c, c.label());
      String price =
          reference == null || c == reference
              ? "—"
              : Fmt.f0(1000 * Runs.cpuMs(reference, reference.label()) - own) + " µs";
      t.row(
          LayerPrices.VARIANTS.containsKey(c.label()) ? LayerPrices.describe(c.label()) : c.what(),
          Fmt.bold(Fmt.f0(c.throughput())),
          Fmt.pct(c.spread()) + (c.steady() ? "" : " ⚠"),
          Fmt.ms(c.result().stats().p99()),
          Fmt.f0(own) + " µs",
          price,
          Fmt.f0(1000 * Runs.cpuMs(c, "PostgreSQL")) + " µs",
          Fmt.cores(c.cpu(), CpuWindow.MACHINE));
    }
  }

  private ClosedLoop layer(String label) {
    return r.layers.stream().filter(c -> c.label().equals(label)).findFirst().orElse(null);
  }
}
