package dev.stockroom.users.credit;

/**
 * All SQL about credit holds: the single calls ({@link HoldStore}) and the saga's batched ones
 * ({@link HoldBatches}). Every batch locks as the single calls do: hold ids (claimed or updated in
 * sorted order), then user rows in id order.
 */
final class HoldSql {
  private static final String CAPTURED_OR_EXPIRED =
      "CASE WHEN expires_at > now() THEN 'CAPTURED' ELSE 'EXPIRED' END";

  // The single calls (HoldStore).

  static final String CLAIM =
      "INSERT INTO credit_holds (hold_id, user_id, amount_cents, ttl_seconds, status, expires_at)"
          + " VALUES ($1, $2, $3, $4::int, 'HELD', now() + $4::int * interval '1 second')"
          + " ON CONFLICT (hold_id) DO NOTHING RETURNING "
          + Hold.COLUMNS;
  static final String TAKE_CREDIT =
      "UPDATE users SET held_cents = held_cents + $2"
          + " WHERE id = $1 AND credit_limit_cents - captured_cents - held_cents >= $2"
          + " RETURNING id";
  static final String USER_EXISTS = "SELECT 1 FROM users WHERE id = $1";

  /**
   * $1 hold id: recorded as released before it was made (no user, nothing held), when a release
   * finds nothing: a hold still being made by a call its caller gave up on then finds this row and
   * takes no credit. A claim inserted first wins; this waits for it and inserts nothing.
   */
  static final String RELEASED_BEFORE_MADE =
      "INSERT INTO credit_holds (hold_id, user_id, amount_cents, ttl_seconds, status, expires_at)"
          + " VALUES ($1, NULL, 0, 1, 'RELEASED', now()) ON CONFLICT (hold_id) DO NOTHING"
          + " RETURNING hold_id";

  static final String BY_ID = "SELECT " + Hold.COLUMNS + " FROM credit_holds WHERE hold_id = $1";

  /**
   * A live hold is captured, one past its expiry expired (the caller gives its credit back in the
   * same transaction). The expiry is decided in SET, not in WHERE: a row that qualifies waits for a
   * capture still running on it, so a retry arriving after the expiry answers what that capture
   * did. With the expiry in WHERE the retry skipped the locked row, was refused, and the first
   * capture then charged the customer of an order the refusal had rejected.
   *
   * <p>One row by its key. IS NOT DISTINCT FROM rather than {@code =}: a WHERE clause that implies
   * the partial index credit_holds_expiring's predicate lets a plan read this row through that
   * index, which holds every live hold: each capture would scan them all.
   */
  static final String CAPTURE =
      "UPDATE credit_holds SET status = "
          + CAPTURED_OR_EXPIRED
          + ", updated_at = now() WHERE hold_id = $1 AND status IS NOT DISTINCT FROM 'HELD'"
          + " RETURNING "
          + Hold.COLUMNS;

  /** One row by its key; IS NOT DISTINCT FROM for the reason given at {@link #CAPTURE}. */
  static final String RELEASE =
      "UPDATE credit_holds SET status = 'RELEASED', updated_at = now()"
          + " WHERE hold_id = $1 AND status IS NOT DISTINCT FROM 'HELD' RETURNING "
          + Hold.COLUMNS;

  static final String MOVE_TO_CAPTURED =
      "UPDATE users SET held_cents = held_cents - $2, captured_cents = captured_cents + $2"
          + " WHERE id = $1";
  static final String GIVE_BACK = "UPDATE users SET held_cents = held_cents - $2 WHERE id = $1";
  static final String EXPIRE =
      "WITH expired AS ("
          + " UPDATE credit_holds SET status = 'EXPIRED', updated_at = now() WHERE hold_id IN ("
          + "  SELECT hold_id FROM credit_holds WHERE status = 'HELD' AND expires_at <= now()"
          + "  ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
          + " RETURNING user_id, amount_cents),"
          + " totals AS (SELECT user_id, sum(amount_cents) AS amount FROM expired GROUP BY user_id),"
          + " adjusted AS (UPDATE users u SET held_cents = u.held_cents - t.amount FROM totals t"
          + "  WHERE u.id = t.user_id RETURNING 1)"
          + " SELECT count(*) AS expired FROM expired";

  /** Live holds only: reads the partial index credit_holds_expiring, not the table. */
  static final String LIVE = "SELECT count(*) AS held FROM credit_holds WHERE status = 'HELD'";

  /**
   * $1 retention in seconds, $2 batch size: settled holds past the retention, oldest first. {@code
   * = ANY(ARRAY(...))}, not {@code IN}: see the reservations' purge.
   */
  static final String PURGE =
      "DELETE FROM credit_holds WHERE hold_id = ANY(ARRAY(SELECT hold_id FROM credit_holds"
          + " WHERE status <> 'HELD' AND updated_at < now() - make_interval(secs => $1)"
          + " ORDER BY updated_at LIMIT $2))";

  // The batched calls (HoldBatches).

  /**
   * $1 hold ids (sorted), $2 user ids, $3 amounts, $4 ttls. Holds of unknown users are not inserted
   * (the single call's refusal, without failing the whole statement).
   */
  static final String CLAIM_ALL =
      "INSERT INTO credit_holds (hold_id, user_id, amount_cents, ttl_seconds, status, expires_at)"
          + " SELECT c.id, c.user_id, c.amount, c.ttl, 'HELD', now() + c.ttl * interval '1 second'"
          + " FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::int[])"
          + "  AS c (id, user_id, amount, ttl)"
          + " WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id)"
          + " ORDER BY c.id ON CONFLICT (hold_id) DO NOTHING RETURNING "
          + Hold.COLUMNS;

  /**
   * $1 user ids: locked in id order, with the credit each has left. FOR NO KEY UPDATE, the lock the
   * single call's UPDATE takes: the claims' foreign keys hold key-share locks on these rows, which
   * FOR UPDATE would wait for (two batches for one user then deadlock).
   */
  static final String LOCK_USERS =
      "SELECT id, credit_limit_cents - captured_cents - held_cents AS available FROM users"
          + " WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE";

  /** $1 hold ids claimed in this transaction and refused: the claim goes with the refusal. */
  static final String UNCLAIM = "DELETE FROM credit_holds WHERE hold_id = ANY($1::text[])";

  private static final String PER_USER =
      " FROM (SELECT user_id, sum(amount)::bigint AS amount"
          + " FROM unnest($1::uuid[], $2::bigint[]) AS h (user_id, amount) GROUP BY user_id) t"
          + " WHERE u.id = t.user_id";

  /**
   * $1 user ids, $2 amounts, one element per accepted hold. The guard never refuses (the rows are
   * locked and checked); it is there so that a mistake fails instead of overspending.
   */
  static final String TAKE_ALL =
      "UPDATE users u SET held_cents = u.held_cents + t.amount"
          + PER_USER
          + " AND u.credit_limit_cents - u.captured_cents - u.held_cents >= t.amount RETURNING u.id";

  /** $1 hold ids: captured, or expired when past it, as {@link #CAPTURE} and for its reasons. */
  static final String CAPTURE_ALL =
      "UPDATE credit_holds SET status = "
          + CAPTURED_OR_EXPIRED
          + ", updated_at = now() WHERE hold_id = ANY($1::text[])"
          + " AND status IS NOT DISTINCT FROM 'HELD' RETURNING "
          + Hold.COLUMNS;

  /**
   * $1 user ids, $2 amounts, $3 whether captured (else expired), one element per hold {@link
   * #CAPTURE_ALL} settled: each leaves the held credit, a captured one into the captured credit.
   */
  static final String SETTLE_ALL =
      "UPDATE users u SET held_cents = u.held_cents - t.amount,"
          + " captured_cents = u.captured_cents + t.captured"
          + " FROM (SELECT user_id, sum(amount)::bigint AS amount,"
          + " sum(CASE WHEN captured THEN amount ELSE 0 END)::bigint AS captured"
          + " FROM unnest($1::uuid[], $2::bigint[], $3::bool[]) AS h (user_id, amount, captured)"
          + " GROUP BY user_id) t WHERE u.id = t.user_id";

  /** $1 hold ids. */
  static final String FIND_ALL =
      "SELECT " + Hold.COLUMNS + " FROM credit_holds WHERE hold_id = ANY($1::text[])";

  private HoldSql() {}
}
