package dev.stockroom.inventory.restocks;

import dev.stockroom.common.replica.ReplicaProjection;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.inventory.items.Item;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** All SQL about restocks: stock goes up and the audit entry is written in one transaction. */
final class RestockStore {
  /** The largest quantity the column holds; a restock past it is refused, not overflowed. */
  static final int MAX_QUANTITY = Integer.MAX_VALUE;

  /** The stocker's copy goes onto the item in the same statement (the report's projection). */
  private static final ReplicaProjection.Assignment STOCKER =
      InventoryService.STOCKER.assignFrom(InventoryService.USERS, "$3");

  private static final String ADD_STOCK =
      "UPDATE items i SET quantity = i.quantity + $2, last_stocked_at = now(),"
          + " last_stocked_by = $3, updated_at = now(), "
          + STOCKER.set()
          + STOCKER.from()
          + " WHERE i.sku = $1 AND i.quantity <= "
          + MAX_QUANTITY
          + " - $2 RETURNING i.sku, i.name, i.price_cents, i.quantity, i.reserved,"
          + " i.low_stock_threshold, i.last_stocked_at, i.last_stocked_by";
  private static final String AUDIT =
      "INSERT INTO restocks (sku, quantity, stocked_by, stocker_name) VALUES ($1, $2, $3, $4)"
          + " RETURNING id, created_at";
  private static final String HISTORY =
      "SELECT id, quantity, stocked_by, stocker_name, created_at FROM restocks WHERE sku = $1"
          + " ORDER BY id DESC LIMIT $2";
  private static final String ITEM_EXISTS = "SELECT 1 FROM items WHERE sku = $1";

  private final Pool pool;

  RestockStore(Pool pool) {
    this.pool = pool;
  }

  /** A restock done: its audit entry and the item as it is now. */
  record Restocked(Restock restock, Item item) {}

  Future<Restocked> restock(String sku, int quantity, UUID stocker, String stockerName) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(ADD_STOCK)
                .execute(Tuple.of(sku, quantity, stocker))
                .compose(
                    items ->
                        items.size() == 0
                            ? refusal(tx, sku, quantity)
                            : tx.preparedQuery(AUDIT)
                                .execute(Tuple.of(sku, quantity, stocker, stockerName))
                                .map(
                                    audit -> {
                                      Row entry = audit.iterator().next();
                                      return new Restocked(
                                          new Restock(
                                              entry.getLong("id"),
                                              quantity,
                                              stocker,
                                              stockerName,
                                              entry.getOffsetDateTime("created_at").toInstant()),
                                          Item.from(items.iterator().next()));
                                    })));
  }

  /** No row changed: the item is unknown, or the restock would pass the maximum. */
  private static Future<Restocked> refusal(SqlConnection tx, String sku, int quantity) {
    return tx.preparedQuery(ITEM_EXISTS)
        .execute(Tuple.of(sku))
        .compose(
            exists ->
                Future.failedFuture(
                    exists.size() == 0
                        ? RestockRefusal.unknownItem(sku)
                        : RestockRefusal.quantityLimit(sku, quantity, MAX_QUANTITY)));
  }

  /** Newest first. */
  Future<List<Restock>> history(String sku, int limit) {
    return pool.preparedQuery(ITEM_EXISTS)
        .execute(Tuple.of(sku))
        .compose(
            exists ->
                exists.size() == 0
                    ? Future.failedFuture(RestockRefusal.unknownItem(sku))
                    : pool.preparedQuery(HISTORY).execute(Tuple.of(sku, limit)))
        .map(
            rows -> {
              List<Restock> list = new ArrayList<>(rows.size());
              for (Row row : rows) {
                list.add(
                    new Restock(
                        row.getLong("id"),
                        row.getInteger("quantity"),
                        row.getUUID("stocked_by"),
                        row.getString("stocker_name"),
                        row.getOffsetDateTime("created_at").toInstant()));
              }
              return list;
            });
  }
}
