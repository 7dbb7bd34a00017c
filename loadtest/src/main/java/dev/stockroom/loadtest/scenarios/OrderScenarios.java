package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.system.RefusalCounter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Orders racing for the same stock: a few hot SKUs with plenty of it (contention), and the last
 * units of a few SKUs (sellout). Each run is then accounted in the databases: nothing oversold.
 */
public record OrderScenarios(BenchContext ctx) {
  /** The SKUs a run orders: the file the simulation draws them from, and their common prefix. */
  private record Skus(String file, String prefix) {}

  private static final Skus HOT = new Skus("hot-skus.txt", "HOT-");
  private static final Skus LAST_UNITS = new Skus("sellout-skus.txt", "LAST-");

  /** A few hot SKUs with plenty of stock: how many orders a second get confirmed. */
  public void contention() {
    double rate = ctx.opts().d("orderRate");
    int hot = ctx.opts().i("hot");
    String label = String.format(Locale.ROOT, "OrderContention, %d hot SKUs, %.0f/s", hot, rate);
    int stock = ctx.results().seed.plan().hotStock();
    ctx.results().orders =
        run(
            "contention",
            label,
            HOT,
            stock,
            rate,
            ctx.opts().d("orderSeconds"),
            work -> ctx.results().orderStatements = work,
            List.of(ctx.urls().orders()));
  }

  /** The last units of a few SKUs: they sell out, exactly, and then orders are turned away. */
  public void sellout() {
    double rate = ctx.opts().d("selloutRate");
    int stock = ctx.results().seed.plan().selloutStock();
    int skus = ctx.opts().i("sellout");
    String label =
        String.format(
            Locale.ROOT, "OrderContention, last %d units of %d SKUs, %.0f/s", stock, skus, rate);
    ctx.results().sellout =
        run(
            "sellout",
            label,
            LAST_UNITS,
            stock,
            rate,
            ctx.opts().d("selloutSeconds"),
            work -> {},
            List.of(ctx.urls().orders()));
  }

  /**
   * An order run on SKUs of its own ({@code skuFile} in the data directory, all starting with
   * {@code skuPrefix}, {@code perSku} units each), its requests spread over these orders instances.
   */
  public Results.Orders spread(
      String key,
      String label,
      String skuFile,
      String skuPrefix,
      int perSku,
      double rate,
      List<String> ordersUrls) {
    return run(
        key,
        label,
        new Skus(skuFile, skuPrefix),
        perSku,
        rate,
        ctx.opts().d("orderSeconds"),
        work -> {},
        ordersUrls);
  }

  private Results.Orders run(
      String key,
      String label,
      Skus skus,
      int perSku,
      double rate,
      double seconds,
      Consumer<Results.DatabaseWork> databaseWork,
      List<String> ordersUrls) {
    long refusedAtStart = refused(ordersUrls);
    OrderDatabaseWork work = OrderDatabaseWork.begin(ctx);
    Results.OpenRun run =
        new OpenModelLoad(ctx)
            .run(
                key,
                label,
                OpenModelLoad.CONTENTION,
                rate,
                seconds,
                Map.of(
                    "bench.skuFile",
                    skus.file(),
                    "bench.p99Ms",
                    "2000",
                    "bench.maxErrorPct",
                    "0",
                    "bench.ordersUrl",
                    String.join(",", ordersUrls)),
                List.of());
    databaseWork.accept(work.end());
    long poolBusy = refused(ordersUrls) - refusedAtStart;
    OrderAccounting accounting =
        new OrderAccounting(
            ctx,
            run.loadStartMillis() / 1000.0,
            ctx.opts().d("openWarmupSeconds"),
            seconds,
            skus.prefix());
    accounting.awaitSettled();
    Results.Orders o = accounting.count(perSku, poolBusy);
    String verdict = o.oversold() ? "OVERSOLD or inconsistent" : "no oversell";
    ctx.say(
        String.format(
            Locale.ROOT,
            "  outcomes %s, rejections %s; sold %d = confirmed %d: %s",
            o.byStatus(),
            o.rejections(),
            o.soldByInventory(),
            o.confirmedQuantity(),
            verdict));
    return o;
  }

  private static long refused(List<String> ordersUrls) {
    return ordersUrls.stream().mapToLong(RefusalCounter::refused).sum();
  }
}
