package dev.stockroom.inventory.report;

import dev.stockroom.inventory.InventoryService;

/**
 * The report in ONE query: items below the threshold with the copy of their last stocker projected
 * onto the item row ({@link InventoryService#STOCKER}) and the watermark of that copy's partition,
 * filtered by the stocker's name prefix, sorted by (quantity, sku) and paged by keyset. API
 * composition cannot answer this: it would have to fetch every stocker before it could filter and
 * page.
 */
final class LowStockQuery {
  static final String SQL =
      query(
          InventoryService.STOCKER.asOf(InventoryService.USERS, "i", "w"),
          " LEFT JOIN replica_watermarks w ON w.topic = $6 AND w.partition = "
              + InventoryService.STOCKER.partition("i"),
          "");

  /**
   * The same page without freshness, for a benchmark's price of it ({@code
   * BENCH_LAYERS_OFF=freshness}): no watermark joined, a row as current as its own sync time. $6 is
   * the topic as above, unused but kept so both take the same parameters.
   */
  static final String WITHOUT_FRESHNESS =
      query(
          "i." + InventoryService.STOCKER.prefix() + "synced_at", "", " AND $6::text IS NOT NULL");

  private static String query(String asOf, String watermarkJoin, String extraCondition) {
    return "SELECT i.sku, i.name, i.price_cents, i.quantity, i.reserved, i.low_stock_threshold,"
        + " i.last_stocked_at, i.last_stocked_by, "
        + InventoryService.STOCKER.select(InventoryService.USERS, "i", "s_")
        + ", "
        + asOf
        + " AS s_as_of FROM items i"
        + watermarkJoin
        + " WHERE i.quantity < $1 AND (i.quantity, i.sku) > ($2, $3)"
        + " AND ($4::text IS NULL OR lower(i."
        + InventoryService.STOCKER.prefix()
        + "name) LIKE lower($4))"
        + extraCondition
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
