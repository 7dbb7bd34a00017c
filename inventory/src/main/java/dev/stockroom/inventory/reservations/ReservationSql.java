package dev.stockroom.inventory.reservations;

/**
 * All SQL about reservations. Every transaction that changes stock locks the item rows it needs in
 * sku order ({@code ORDER BY sku FOR UPDATE} locks in the sorted order) before changing them, and
 * locks at most one reservation row it waits for before that, so reservations never deadlock.
 */
final class ReservationSql {
  private static final String HEADER = "reservation_id, status, expires_at, fingerprint";

  /** Claims the id: a concurrent duplicate waits on the primary key, then sees the winner. */
  static final String CLAIM =
      "INSERT INTO reservations (reservation_id, fingerprint, ttl_seconds, status, expires_at)"
          + " VALUES ($1, $2, $3::int, 'HELD', now() + $3::int * interval '1 second')"
          + " ON CONFLICT (reservation_id) DO NOTHING RETURNING "
          + HEADER;

  /**
   * $1 id: recorded as released before it was made (no lines, nothing taken). An undo that finds
   * nothing may be racing the reservation it undoes, still being made by a call its caller gave up
   * on: that reservation's claim then finds this row and takes nothing. A claim inserted first
   * wins; this waits for its transaction and inserts nothing, and the undo runs again.
   */
  static final String RELEASED_BEFORE_MADE =
      "INSERT INTO reservations (reservation_id, fingerprint, ttl_seconds, status, expires_at)"
          + " VALUES ($1, 'released before it was made', 1, 'RELEASED', now())"
          + " ON CONFLICT (reservation_id) DO NOTHING RETURNING reservation_id";

  /** $1 skus, sorted. */
  static final String LOCK_ITEMS =
      "SELECT sku, quantity - reserved AS available FROM items WHERE sku = ANY($1::text[])"
          + " ORDER BY sku FOR UPDATE";

  /**
   * $1 id, $2 skus, $3 quantities. Runs with the rows locked and checked, so the guard never
   * refuses; it is there so that a mistake shows as a failure, not as oversold stock.
   */
  static final String TAKE =
      "WITH wanted AS (SELECT * FROM unnest($2::text[], $3::int[]) AS w (sku, quantity)),"
          + " taken AS (UPDATE items i SET reserved = i.reserved + w.quantity, updated_at = now()"
          + "  FROM wanted w WHERE i.sku = w.sku AND i.quantity - i.reserved >= w.quantity"
          + "  RETURNING i.sku, w.quantity, i.name, i.price_cents)"
          + " INSERT INTO reservation_lines (reservation_id, sku, quantity, name, unit_price_cents)"
          + " SELECT $1, sku, quantity, name, price_cents FROM taken"
          + " RETURNING sku, quantity, name, unit_price_cents";

  private static final String JOINED =
      "SELECT r.reservation_id, r.status, r.expires_at, r.fingerprint,"
          + " l.sku, l.quantity, l.name, l.unit_price_cents"
          + " FROM reservations r JOIN reservation_lines l USING (reservation_id)";

  static final String FIND = JOINED + " WHERE r.reservation_id = $1";

  /**
   * $1 reservation ids: each with its lines, one row per line. The condition on the lines too: the
   * planner does not carry {@code = ANY} across the join, and on statistics taken while the table
   * was small it read every line ever reserved for each batch.
   */
  static final String FIND_ALL =
      JOINED + " WHERE r.reservation_id = ANY($1::text[]) AND l.reservation_id = ANY($1::text[])";

  /**
   * $1 ids (sorted, so that concurrent batches wait for each other's claims in one order), $2
   * fingerprints, $3 ttls. The ids this statement inserts are claimed; the others exist already.
   */
  static final String CLAIM_ALL =
      "INSERT INTO reservations (reservation_id, fingerprint, ttl_seconds, status, expires_at)"
          + " SELECT id, fingerprint, ttl, 'HELD', now() + ttl * interval '1 second'"
          + " FROM unnest($1::text[], $2::text[], $3::int[]) AS c (id, fingerprint, ttl)"
          + " ORDER BY id ON CONFLICT (reservation_id) DO NOTHING RETURNING "
          + HEADER;

  /** $1 ids claimed in this transaction and refused: the claim goes with the refusal. */
  static final String UNCLAIM = "DELETE FROM reservations WHERE reservation_id = ANY($1::text[])";

  /**
   * $1 reservation ids, $2 skus, $3 quantities: one element per line of the reservations a batch
   * accepts, after their item rows were locked and checked (the guard is there, as in {@link
   * #TAKE}, so that a mistake shows as a failure, not as oversold stock).
   */
  static final String TAKE_ALL =
      "WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int[])"
          + "  AS w (reservation_id, sku, quantity)),"
          + " per_sku AS (SELECT sku, sum(quantity)::int AS quantity FROM wanted GROUP BY sku),"
          + " taken AS (UPDATE items i SET reserved = i.reserved + p.quantity, updated_at = now()"
          + "  FROM per_sku p WHERE i.sku = p.sku AND i.quantity - i.reserved >= p.quantity"
          + "  RETURNING i.sku, i.name, i.price_cents)"
          + " INSERT INTO reservation_lines (reservation_id, sku, quantity, name, unit_price_cents)"
          + " SELECT w.reservation_id, w.sku, w.quantity, t.name, t.price_cents"
          + " FROM wanted w JOIN taken t USING (sku)"
          + " RETURNING reservation_id, sku, quantity, name, unit_price_cents";

  /**
   * One row by its key. IS NOT DISTINCT FROM rather than {@code =}: a WHERE clause that implies the
   * partial index reservations_expiring's predicate lets the generic plan read this row through
   * that index, which holds every live hold: each confirmation would scan them all.
   */
  static final String CONFIRM =
      "UPDATE reservations SET status = 'CONFIRMED', updated_at = now()"
          + " WHERE reservation_id = $1 AND status IS NOT DISTINCT FROM 'HELD'"
          + " AND expires_at > now()"
          + " RETURNING reservation_id";

  /** $1 reservation ids; IS NOT DISTINCT FROM for the reason given at {@link #CONFIRM}. */
  static final String CONFIRM_ALL =
      "UPDATE reservations SET status = 'CONFIRMED', updated_at = now()"
          + " WHERE reservation_id = ANY($1::text[]) AND status IS NOT DISTINCT FROM 'HELD'"
          + " AND expires_at > now()"
          + " RETURNING reservation_id";

  /** One row by its key; IS NOT DISTINCT FROM for the reason given at {@link #CONFIRM}. */
  static final String RELEASE =
      "UPDATE reservations SET status = 'RELEASED', updated_at = now()"
          + " WHERE reservation_id = $1 AND status IS NOT DISTINCT FROM 'HELD'"
          + " RETURNING reservation_id";

  /** One row by its key: a sold reservation gives its stock back. */
  static final String RETURN =
      "UPDATE reservations SET status = 'RETURNED', updated_at = now()"
          + " WHERE reservation_id = $1 AND status IS NOT DISTINCT FROM 'CONFIRMED'"
          + " RETURNING reservation_id";

  /** $1 batch size. SKIP LOCKED: a hold being confirmed or released right now is left alone. */
  static final String EXPIRE =
      "UPDATE reservations SET status = 'EXPIRED', updated_at = now() WHERE reservation_id IN ("
          + " SELECT reservation_id FROM reservations WHERE status = 'HELD' AND expires_at <= now()"
          + " ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
          + " RETURNING reservation_id";

  /**
   * $1 reservation ids whose items are about to change. {@code = ANY(ARRAY(...))} rather than
   * {@code IN (...)}: the generic plan of IN scanned every item to find the few it locks.
   */
  static final String LOCK_ITEMS_OF =
      "SELECT sku FROM items WHERE sku IN"
          + " (SELECT sku FROM reservation_lines WHERE reservation_id = ANY($1::text[]))"
          + " ORDER BY sku FOR UPDATE";

  private static final String LINES_BY_SKU =
      " FROM (SELECT sku, sum(quantity)::int AS quantity FROM reservation_lines"
          + " WHERE reservation_id = ANY($1::text[]) GROUP BY sku) t WHERE i.sku = t.sku";

  /** $1 reservation ids: their stock goes back to available. */
  static final String GIVE_BACK =
      "UPDATE items i SET reserved = i.reserved - t.quantity, updated_at = now()" + LINES_BY_SKU;

  /** $1 reservation ids: their stock is sold. */
  static final String SELL =
      "UPDATE items i SET quantity = i.quantity - t.quantity, reserved = i.reserved - t.quantity,"
          + " updated_at = now()"
          + LINES_BY_SKU;

  /** $1 reservation ids: their sold stock is back on the shelf. */
  static final String RESTOCK =
      "UPDATE items i SET quantity = i.quantity + t.quantity, updated_at = now()" + LINES_BY_SKU;

  /** Live holds only: reads the partial index reservations_expiring, not the table. */
  static final String LIVE = "SELECT count(*) AS held FROM reservations WHERE status = 'HELD'";

  /**
   * $1 retention in seconds, $2 batch size: settled reservations past the retention, oldest first
   * through reservations_settled (their lines go with them). {@code = ANY(ARRAY(...))} rather than
   * {@code IN (...)}: the planner joined IN's ids with a scan of the whole table.
   */
  static final String PURGE =
      "DELETE FROM reservations WHERE reservation_id = ANY(ARRAY(SELECT reservation_id FROM"
          + " reservations WHERE status <> 'HELD' AND updated_at < now() - make_interval(secs => $1)"
          + " ORDER BY updated_at LIMIT $2))";

  private ReservationSql() {}
}
