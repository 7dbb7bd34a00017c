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
import java.util.Optional;
import java.util.UUID;

/** All SQL about restocks: stock goes up and the audit entry is written in one transaction. */
final class RestockStore {
  /** The largest quantity the column holds; a restock past it is refused, not overflowed. */
  static final int MAX_QUANTITY = Integer.MAX_VALUE;

  /** The stocker's copy goes onto the item in the same statement (the report's projection). */
  private static final ReplicaProjection.Assignment STOCKER =
      InventoryService.STOCKER.assignFrom(InventoryService.USERS, "$3");

  private static final String ITEM_COLUMNS =
      "i.sku, i.name, i.price_cents, i.quantity, i.reserved, i.low_stock_threshold,"
          + " i.last_stocked_at, i.last_stocked_by";

  private static final String ADD_STOCK =
      "UPDATE items i SET quantity = i.quantity + $2, last_stocked_at = now(),"
          + " last_stocked_by = $3, updated_at = now(), "
          + STOCKER.set()
          + STOCKER.from()
          + " WHERE i.sku = $1 AND i.quantity <= "
          + MAX_QUANTITY
          + " - $2 RETURNING "
          + ITEM_COLUMNS;

  /**
   * The audit entry, and with it the claim of the stocker's Idempotency-Key ($5, NULL: none):
   * nothing is inserted when the key is taken (a concurrent claim waits for the first to commit or
   * roll back).
   */
  private static final String AUDIT =
      "INSERT INTO restocks (sku, quantity, stocked_by, stocker_name, idempotency_key)"
          + " VALUES ($1, $2, $3, $4, $5)"
          + " ON CONFLICT (stocked_by, idempotency_key) WHERE idempotency_key IS NOT NULL"
          + " DO NOTHING RETURNING id, quantity, stocked_by, stocker_name, created_at";

  private static final String BY_KEY =
      "SELECT r.id, r.sku AS restocked_sku, r.quantity AS restocked, r.stocked_by,"
          + " r.stocker_name, r.created_at, "
          + ITEM_COLUMNS
          + " FROM restocks r JOIN items i ON i.sku = r.sku"
          + " WHERE r.stocked_by = $1 AND r.idempotency_key = $2";
  private static final String HISTORY =
      "SELECT id, quantity, stocked_by, stocker_name, created_at FROM restocks WHERE sku = $1"
          + " AND id < $3 ORDER BY id DESC LIMIT $2";
  private static final String ITEM_EXISTS = "SELECT 1 FROM items WHERE sku = $1";

  private final Pool pool;

  RestockStore(Pool pool) {
    this.pool = pool;
  }

  /** A restock done (or, {@code replayed}, the one its key named): the entry and the item now. */
  record Restocked(Restock restock, Item item, boolean replayed) {}

  /**
   * Adds the stock and writes its audit entry in one transaction; with a key the stocker has used
   * before, adds nothing and answers that restock (refused if it was for another sku or quantity).
   */
  Future<Restocked> restock(
      String sku, int quantity, UUID stocker, String stockerName, Optional<String> key) {
    return pool.withTransaction(
            tx ->
                tx.preparedQuery(ADD_STOCK)
                    .execute(Tuple.of(sku, quantity, stocker))
                    .compose(
                        items ->
                            items.size() == 0
                                ? refusal(tx, sku, quantity)
                                : audit(tx, sku, quantity, stocker, stockerName, key)
                                    .map(
                                        entry ->
                                            new Restocked(
                                                entry, Item.from(items.iterator().next()), false))))
        .recover(
            failure ->
                key.isPresent()
                        && (failure instanceof KeyTaken || failure instanceof RestockRefusal)
                    ? replay(sku, quantity, stocker, key.get(), failure)
                    : Future.failedFuture(failure));
  }

  /**
   * The audit entry, written after the stock: the item's row is locked after the stocker's copy, in
   * the order every write of the copy takes them. A key already taken fails the transaction, and
   * the stock added with it goes back.
   */
  private static Future<Restock> audit(
      SqlConnection tx,
      String sku,
      int quantity,
      UUID stocker,
      String stockerName,
      Optional<String> key) {
    return tx.preparedQuery(AUDIT)
        .execute(Tuple.of(sku, quantity, stocker, stockerName, key.orElse(null)))
        .compose(
            audit ->
                audit.size() == 0
                    ? Future.failedFuture(new KeyTaken())
                    : Future.succeededFuture(restock(audit.iterator().next())));
  }

  /**
   * The restock a taken key names, answered again; refused if it was another sku or quantity. Also
   * for a refused restock with a key: the refusal may be what the first one did (a retry of a
   * restock that took the item to its ceiling), which the retry answers as that restock.
   */
  private Future<Restocked> replay(
      String sku, int quantity, UUID stocker, String key, Throwable failure) {
    return pool.preparedQuery(BY_KEY)
        .execute(Tuple.of(stocker, key))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(failure);
              }
              Row row = rows.iterator().next();
              if (!row.getString("restocked_sku").equals(sku)
                  || row.getInteger("restocked") != quantity) {
                return Future.failedFuture(RestockRefusal.keyReused(key));
              }
              return Future.succeededFuture(
                  new Restocked(restock(row, "restocked"), Item.from(row), true));
            });
  }

  /** The stocker's key is taken by an earlier restock: this one rolls back and answers that. */
  private static final class KeyTaken extends RuntimeException {
    KeyTaken() {
      super("idempotency key taken", null, false, false);
    }
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

  /** Newest first, from the entry before {@code before} (the restocks_sku index's order). */
  Future<List<Restock>> history(String sku, int limit, long before) {
    return pool.preparedQuery(ITEM_EXISTS)
        .execute(Tuple.of(sku))
        .compose(
            exists ->
                exists.size() == 0
                    ? Future.failedFuture(RestockRefusal.unknownItem(sku))
                    : pool.preparedQuery(HISTORY).execute(Tuple.of(sku, limit, before)))
        .map(
            rows -> {
              List<Restock> list = new ArrayList<>(rows.size());
              rows.forEach(row -> list.add(restock(row)));
              return list;
            });
  }

  private static Restock restock(Row row) {
    return restock(row, "quantity");
  }

  /** An audit entry from a row that has its quantity in the column {@code quantity}. */
  private static Restock restock(Row row, String quantity) {
    return new Restock(
        row.getLong("id"),
        row.getInteger(quantity),
        row.getUUID("stocked_by"),
        row.getString("stocker_name"),
        row.getOffsetDateTime("created_at").toInstant());
  }
}
