package dev.stockroom.loadtest.scenarios;

import dev.stockroom.common.config.PlatformLayer;
import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.scenarios.ClosedLoopComparison.Target;
import dev.stockroom.loadtest.system.ServiceFleet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The price of each platform layer on the report: inventory beside copies of itself with one layer
 * switched off ({@code BENCH_LAYERS_OFF}), the same page in the same interleaved rounds, and the
 * bare baseline (the report's SQL and body without the platform) as the floor. The copies share
 * inventory's database and consumer group, and stop when this is measured.
 */
public record LayerPrices(BenchContext ctx) {
  /** Each copy's process name and the layers it runs without. */
  public static final Map<String, String> VARIANTS = variants();

  public static final String FULL = "inventory";
  public static final String FLOOR = "baseline-generic";

  /** A copy with nothing off: how far two JVMs of one build differ, the table's resolution. */
  public static final String CONTROL = "inventory-copy";

  private static Map<String, String> variants() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(CONTROL, "");
    m.put("inventory-without-auth", "auth");
    m.put("inventory-without-validation", "validation");
    m.put("inventory-without-metrics", "metrics");
    m.put("inventory-without-freshness", "freshness");
    m.put("inventory-without-all-four", "auth,validation,metrics,freshness");
    return m;
  }

  /** How the table names a copy: the control, or the layers it runs without. */
  public static String describe(String name) {
    String off = VARIANTS.get(name);
    return off.isEmpty()
        ? "a second inventory, nothing off (the control)"
        : "inventory without " + off;
  }

  public void run() {
    ServiceFleet fleet = ctx.fleet();
    List<String> started = new ArrayList<>(VARIANTS.keySet());
    try {
      VARIANTS.forEach(
          (name, off) -> fleet.addVariant("inventory", name, Map.of(PlatformLayer.VARIABLE, off)));
      fleet.start(started, Duration.ofSeconds(120));
      String stocker = ctx.tokens().bearer(ctx.results().seed.stockers().get(0), "stocker");
      List<Target> targets = new ArrayList<>();
      targets.add(
          new Target(FULL, "inventory, every layer", fleet.url(FULL) + Target.PAGE, stocker));
      VARIANTS.forEach(
          (name, off) ->
              targets.add(
                  new Target(name, describe(name), fleet.url(name) + Target.PAGE, stocker)));
      targets.add(
          new Target(
              FLOOR,
              "bare baseline (the report's SQL and body), generic plans",
              fleet.url(FLOOR) + Target.PAGE,
              null));
      ctx.results().layers.addAll(new ClosedLoopComparison(ctx).measure(targets));
    } finally {
      started.forEach(name -> fleet.remove(name, Duration.ofSeconds(20)));
    }
  }
}
