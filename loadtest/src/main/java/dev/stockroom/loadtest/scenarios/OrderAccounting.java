package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.Db;
import dev.stockroom.loadtest.Results;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Counts one order run's outcome in the databases afterwards: orders by status and rejection
 * reason, stock sold per SKU against the quantities confirmed, and confirmation rates.
 */
final class OrderAccounting {
  /** The SKUs' stock after the run, added up. */
  private record Stock(
      long sold, long confirmedQuantity, boolean negative, int skus, List<String> perSku) {}

  private final BenchContext ctx;
  private final Db inventoryDb;
  private final Db ordersDb;
  private final String skuPrefix;
  private final double from;
  private final double seconds;
  // SQL conditions on orders. The warm-up ramp places real orders too: stock is accounted over
  // the whole run (since), rates over the measured window only.
  private final String since;
  private final String window;
  private final String mine;

  /**
   * @param from when the measured load started (epoch seconds)
   * @param warmupSeconds how long the ramp before it was
   * @param seconds how long the measured load was
   * @param skuPrefix the run's SKUs (its orders are those for any of them)
   */
  OrderAccounting(
      BenchContext ctx, double from, double warmupSeconds, double seconds, String skuPrefix) {
    this.ctx = ctx;
    this.inventoryDb = ctx.inventoryDb();
    this.ordersDb = ctx.ordersDb();
    this.skuPrefix = skuPrefix;
    this.from = from;
    this.seconds = seconds;
    this.since = "created_at >= to_timestamp(" + (from - warmupSeconds - 2) + ")";
    this.window =
        " AND created_at >= to_timestamp("
            + from
            + ") AND created_at < to_timestamp("
            + (from + seconds)
            + ")";
    this.mine =
        " AND EXISTS (SELECT 1 FROM jsonb_array_elements(requested_lines) x WHERE x->>'sku' LIKE '"
            + skuPrefix
            + "%')";
  }

  /** Waits (up to 90 s) for the run's orders to finish their saga, so the counts are final. */
  void awaitSettled() {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline
        && ordersDb.scalar("SELECT count(*) FROM orders WHERE step <> 'DONE' AND " + since + mine)
            > 0) {
      ctx.pause(500);
    }
  }

  Results.Orders count(int perSku, long poolBusyErrors) {
    Map<String, Long> byStatus =
        counts(
            "SELECT status, count(*) AS n FROM orders WHERE "
                + since
                + mine
                + " GROUP BY status ORDER BY status");
    Map<String, Long> rejections =
        counts(
            "SELECT coalesce(rejection->>'reason', '?') AS reason, count(*) AS n FROM orders"
                + " WHERE status = 'REJECTED' AND "
                + since
                + mine
                + " GROUP BY 1 ORDER BY 1");
    Map<String, Long> confirmedBySku =
        counts(
            "SELECT l->>'sku' AS sku, sum((l->>'quantity')::bigint) AS q FROM orders o,"
                + " jsonb_array_elements(o.requested_lines) l WHERE o.status = 'CONFIRMED' AND "
                + since
                + " GROUP BY 1");
    Stock stock = stock(perSku, confirmedBySku);
    long confirmedReservations =
        inventoryDb.scalar(
            "SELECT count(DISTINCT r.reservation_id) FROM reservations r JOIN reservation_lines l"
                + " USING (reservation_id) WHERE l.sku LIKE '"
                + skuPrefix
                + "%' AND r.status = 'CONFIRMED'");
    long confirmed =
        ordersDb.scalar(
            "SELECT count(*) FROM orders WHERE status = 'CONFIRMED' AND " + since + mine + window);
    double firstOutOfStock = firstOutOfStock();
    double inStock =
        Double.isNaN(firstOutOfStock)
            ? seconds
            : Math.max(0.001, Math.min(seconds, firstOutOfStock - from));
    long confirmedInStock =
        Double.isNaN(firstOutOfStock)
            ? confirmed
            : ordersDb.scalar(
                "SELECT count(*) FROM orders WHERE status = 'CONFIRMED' AND "
                    + since
                    + mine
                    + window
                    + " AND created_at < to_timestamp("
                    + firstOutOfStock
                    + ")");
    return new Results.Orders(
        byStatus,
        rejections,
        (long) perSku * stock.skus(),
        stock.sold(),
        stock.confirmedQuantity(),
        confirmedReservations,
        stock.negative(),
        confirmed / Math.max(1e-9, seconds),
        confirmedInStock / Math.max(1e-9, inStock),
        inStock,
        ordersDb.scalar("SELECT count(*) FROM orders WHERE status = 'PENDING' AND " + since + mine),
        stock.perSku(),
        !Double.isNaN(firstOutOfStock),
        poolBusyErrors);
  }

  /** Each SKU's stock left and reserved against what confirmed orders asked for. */
  private Stock stock(int perSku, Map<String, Long> confirmedBySku) {
    long sold = 0;
    long confirmedQuantity = 0;
    boolean negative = false;
    List<String> lines = new ArrayList<>();
    List<Map<String, Object>> items =
        inventoryDb.query(
            "SELECT sku, quantity, reserved FROM items WHERE sku LIKE '"
                + skuPrefix
                + "%' ORDER BY sku");
    for (Map<String, Object> item : items) {
      String sku = (String) item.get("sku");
      long quantity = ((Number) item.get("quantity")).longValue();
      long reserved = ((Number) item.get("reserved")).longValue();
      long skuSold = perSku - quantity;
      long skuConfirmed = confirmedBySku.getOrDefault(sku, 0L);
      sold += skuSold;
      confirmedQuantity += skuConfirmed;
      negative |= quantity < 0 || quantity - reserved < 0;
      lines.add(
          String.format(
              Locale.ROOT,
              "%s: stock %d, left %d (reserved %d), sold %d, confirmed in orders %d",
              sku,
              perSku,
              quantity,
              reserved,
              skuSold,
              skuConfirmed));
    }
    return new Stock(sold, confirmedQuantity, negative, items.size(), lines);
  }

  /** When the first order was turned away for lack of stock (epoch seconds), or NaN. */
  private double firstOutOfStock() {
    return ordersDb
        .query(
            "SELECT extract(epoch FROM min(created_at)) AS t FROM orders WHERE status ="
                + " 'REJECTED' AND rejection->>'reason' = 'out_of_stock' AND "
                + since
                + mine)
        .stream()
        .map(r -> r.get("t") == null ? Double.NaN : ((Number) r.get("t")).doubleValue())
        .findFirst()
        .orElse(Double.NaN);
  }

  /** A query's rows as first column (text) to second column (a count or sum), in row order. */
  private Map<String, Long> counts(String sql) {
    Map<String, Long> map = new LinkedHashMap<>();
    for (Map<String, Object> row : ordersDb.query(sql)) {
      var columns = row.values().iterator();
      map.put((String) columns.next(), ((Number) columns.next()).longValue());
    }
    return map;
  }
}
