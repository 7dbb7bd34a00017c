package dev.stockroom.inventory.items;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** All SQL about items, prepared and parameterised. */
public final class ItemStore {
  static final String COLUMNS =
      "sku, name, price_cents, quantity, reserved, low_stock_threshold, last_stocked_at,"
          + " last_stocked_by";
  private static final String INSERT =
      "INSERT INTO items (sku, name, price_cents, quantity, low_stock_threshold)"
          + " VALUES ($1, $2, $3, $4, $5) RETURNING "
          + COLUMNS;
  private static final String BY_SKU = "SELECT " + COLUMNS + " FROM items WHERE sku = $1";
  private static final String UPDATE =
      "UPDATE items SET name = coalesce($2, name), price_cents = coalesce($3, price_cents),"
          + " updated_at = now() WHERE sku = $1 RETURNING "
          + COLUMNS;

  private final Pool pool;

  public ItemStore(Pool pool) {
    this.pool = pool;
  }

  /** A new item: a SKU of its own, a name, a price, the stock it starts with and its threshold. */
  public record NewItem(
      String sku, String name, long priceCents, int quantity, int lowStockThreshold) {}

  public Future<Item> create(NewItem item) {
    return pool.preparedQuery(INSERT)
        .execute(
            Tuple.of(
                item.sku(),
                item.name().strip(),
                item.priceCents(),
                item.quantity(),
                item.lowStockThreshold()))
        .map(rows -> Item.from(rows.iterator().next()))
        .recover(
            e ->
                e instanceof PgException pg && "23505".equals(pg.getSqlState())
                    ? Future.failedFuture(ItemRefusal.duplicate())
                    : Future.failedFuture(e));
  }

  public Future<Optional<Item>> find(String sku) {
    return pool.preparedQuery(BY_SKU)
        .execute(Tuple.of(sku))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(Item.from(rows.iterator().next())));
  }

  /**
   * Changes name and/or price (null: unchanged); reservations already made keep the price they were
   * made with.
   */
  public Future<Item> update(String sku, String name, Long priceCents) {
    return pool.preparedQuery(UPDATE)
        .execute(Tuple.of(sku, name == null ? null : name.strip(), priceCents))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw ItemRefusal.unknown(sku);
              }
              return Item.from(rows.iterator().next());
            });
  }
}
