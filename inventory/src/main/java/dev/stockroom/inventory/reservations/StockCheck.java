package dev.stockroom.inventory.reservations;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decides, from the locked item rows, whether a request can be served in full. */
final class StockCheck {
  private StockCheck() {}

  /**
   * Succeeds when every sku exists and has enough available; otherwise fails with the unknown SKUs
   * or the shortfall per SKU.
   */
  static Future<Void> refusal(ReservationRequest request, Iterable<Row> locked) {
    Map<String, Integer> available = new HashMap<>();
    locked.forEach(row -> available.put(row.getString("sku"), row.getInteger("available")));
    return check(request, available);
  }

  static Future<Void> check(ReservationRequest request, Map<String, Integer> available) {
    ReservationRefusal refusal = refusalOf(request, available);
    return refusal == null ? Future.succeededFuture() : Future.failedFuture(refusal);
  }

  /** Why {@code request} cannot be served from {@code available}, or null when it can. */
  static ReservationRefusal refusalOf(ReservationRequest request, Map<String, Integer> available) {
    List<String> unknown = new ArrayList<>();
    List<Map<String, Object>> shortfall = new ArrayList<>();
    request
        .lines()
        .forEach(
            (sku, requested) -> {
              Integer has = available.get(sku);
              if (has == null) {
                unknown.add(sku);
              } else if (has < requested) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("sku", sku);
                line.put("requested", requested);
                line.put("available", has);
                shortfall.add(line);
              }
            });
    if (!unknown.isEmpty()) {
      return ReservationRefusal.unknownSkus(unknown);
    }
    return shortfall.isEmpty() ? null : ReservationRefusal.insufficientStock(shortfall);
  }
}
