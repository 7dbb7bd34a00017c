package dev.stockroom.inventory.report;

import dev.stockroom.inventory.InventoryService;

/**
 * The report in ONE query: items below the threshold with the copy of their last stocker projected
 * onto the item row ({@link InventoryService#STOCKER}), filtered by the stocker's name prefix,
 * sorted by (quantity, sku) and paged by keyset. How current each copy is comes from its own sync
 * time and its partition's watermark, passed in ($6, $7: a {@code Replica.watermarks()} snapshot
 * taken before the query) rather than joined row by row. API composition cannot answer this: it
 * would have to fetch every stocker before it could filter and page.
 */
final class LowStockQuery {
  /** $1 below, $2 and $3 the keyset, $4 the stocker prefix, $5 limit, $6 watermarks, $7 since. */
  static final String SQL =
      query(InventoryService.STOCKER.asOfPassed(InventoryService.USERS, "i", "$6", "$7"));

  /**
   * The same page without freshness, for a benchmark's price of it ({@code
   * BENCH_LAYERS_OFF=freshness}): a row as current as its own sync time; $1 to $5 only.
   */
  static final String WITHOUT_FRESHNESS =
      query("i." + InventoryService.STOCKER.prefix() + "synced_at");

  private static String query(String asOf) {
    return "SELECT i.sku, i.name, i.price_cents, i.quantity, i.reserved, i.low_stock_threshold,"
        + " i.last_stocked_at, i.last_stocked_by, "
        + InventoryService.STOCKER.select(InventoryService.USERS, "i", "s_")
        + ", "
        + asOf
        + " AS s_as_of FROM items i"
        + " WHERE i.quantity < $1 AND (i.quantity, i.sku) > ($2, $3)"
        + " AND ($4::text IS NULL OR lower(i."
        + InventoryService.STOCKER.prefix()
        + "name) LIKE lower($4))"
        + " ORDER BY i.quantity, i.sku LIMIT $5";
  }

  private LowStockQuery() {}

  /**
   * A prefix pattern with LIKE's wildcards escaped, in NFC as users stores names (an accent typed
   * as a combining mark finds the name too). Its case is folded by the query, with the same lower()
   * as the names: Java's folding differs (a final capital sigma, a dotted capital I), and one side
   * folded one way never finds the other.
   */
  static String prefixPattern(String prefix) {
    String escaped =
        java.text.Normalizer.normalize(prefix, java.text.Normalizer.Form.NFC)
            .replace("\\", "\\\\")
            .replace("%", "\\%")
            .replace("_", "\\_");
    return escaped + "%";
  }
}
