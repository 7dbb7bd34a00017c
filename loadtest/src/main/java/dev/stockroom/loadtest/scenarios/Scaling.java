package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.Api;
import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.SeedPlan;
import dev.stockroom.loadtest.Seeder;
import dev.stockroom.loadtest.scenarios.ClosedLoopComparison.Target;
import dev.stockroom.loadtest.system.ServiceFleet;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * One instance of each service against two on this one machine. A second set (users-2, inventory-2,
 * orders-2: the same jars, databases and consumer groups; orders-2 calls users-2 and inventory-2,
 * as a Service would spread its calls) runs beside the first. The report in a closed loop on one
 * inventory and on both (wrk's threads split between them, interleaved rounds); then orders at a
 * rate above what one set confirms, on one set and on both (Gatling's users take the two orders
 * instances in turn), each on SKUs of its own.
 */
public record Scaling(BenchContext ctx) {
  public static final List<String> SECOND_SET = List.of("users-2", "inventory-2", "orders-2");

  public void run() {
    ServiceFleet fleet = ctx.fleet();
    try {
      fleet.addVariant("users", "users-2", Map.of());
      fleet.addVariant("inventory", "inventory-2", Map.of());
      fleet.start(List.of("users-2", "inventory-2"), Duration.ofSeconds(120));
      fleet.addVariant(
          "orders",
          "orders-2",
          Map.of("USERS_URL", fleet.url("users-2"), "INVENTORY_URL", fleet.url("inventory-2")));
      fleet.start(List.of("orders-2"), Duration.ofSeconds(120));
      report(fleet);
      orders(fleet);
    } finally {
      List.of("orders-2", "inventory-2", "users-2")
          .forEach(name -> fleet.remove(name, Duration.ofSeconds(20)));
    }
  }

  private void report(ServiceFleet fleet) {
    String stocker = ctx.tokens().bearer(ctx.results().seed.stockers().get(0), "stocker");
    String page = fleet.url("inventory") + Target.PAGE;
    List<Target> targets =
        List.of(
            new Target("one", "report, one inventory", page, stocker),
            new Target(
                "two",
                "report, two inventories (wrk's threads split between them)",
                page,
                List.of(fleet.get("inventory").port(), fleet.get("inventory-2").port()),
                stocker));
    ctx.results().scalingReport.addAll(new ClosedLoopComparison(ctx).measure(targets));
  }

  private void orders(ServiceFleet fleet) {
    double rate = ctx.opts().d("scalingOrderRate");
    int hot = ctx.opts().i("hot");
    int perSku = SeedPlan.hotStockFor(rate, ctx.opts().d("orderSeconds"), hot);
    OrderScenarios orders = new OrderScenarios(ctx);
    List<List<String>> sets =
        List.of(List.of(fleet.url("orders")), List.of(fleet.url("orders"), fleet.url("orders-2")));
    for (int n = 1; n <= sets.size(); n++) {
      String prefix = "SCALE" + n + "-";
      String file = stock(prefix, hot, perSku);
      String label =
          String.format(
              Locale.ROOT, "OrderContention on %d instance(s), %d hot SKUs, %.0f/s", n, hot, rate);
      ctx.results()
          .scalingOrders
          .put(
              "scaling-" + n,
              orders.spread("scaling-" + n, label, file, prefix, perSku, rate, sets.get(n - 1)));
    }
  }

  /** Creates {@code hot} items with this prefix and stock; returns the file naming them. */
  private String stock(String prefix, int hot, int perSku) {
    String admin = ctx.tokens().bearer("loadtest-admin", "admin");
    List<String> skus =
        IntStream.range(0, hot)
            .mapToObj(i -> prefix + String.format(Locale.ROOT, "%02d", i))
            .toList();
    Api.await(
        ctx.api()
            .map(
                skus,
                hot,
                sku ->
                    ctx.api()
                        .call(
                            HttpMethod.POST,
                            ctx.urls().inventory() + "/items",
                            admin,
                            Seeder.item(
                                sku, "Hot item " + sku, SeedPlan.HOT_PRICE_CENTS, perSku, 0),
                            201)),
        Duration.ofMinutes(1));
    String file = prefix.toLowerCase(Locale.ROOT) + "skus.txt";
    Seeder.write(ctx.dataDir(), file, skus);
    return file;
  }
}
