package dev.stockroom.users.credit;

/**
 * The SQL of the saga's batched credit calls ({@link HoldBatches}). Every batch locks as the single
 * calls do: hold ids (claimed or updated in sorted order), then user rows in id order.
 */
final class HoldSql {
  private HoldSql() {}

  /**
   * $1 hold ids (sorted), $2 user ids, $3 amounts, $4 ttls. Holds of unknown users are not inserted
   * (the single call's foreign key refusal, without failing the whole statement).
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

  /** $1 hold ids; IS NOT DISTINCT FROM for the reason given at {@link HoldStore#CAPTURE}. */
  static final String CAPTURE_ALL =
      "UPDATE credit_holds SET status = 'CAPTURED', updated_at = now()"
          + " WHERE hold_id = ANY($1::text[]) AND status IS NOT DISTINCT FROM 'HELD'"
          + " AND expires_at > now() RETURNING "
          + Hold.COLUMNS;

  /** $1 user ids, $2 amounts, one element per captured hold. */
  static final String MOVE_ALL_TO_CAPTURED =
      "UPDATE users u SET held_cents = u.held_cents - t.amount,"
          + " captured_cents = u.captured_cents + t.amount"
          + PER_USER;

  /** $1 hold ids. */
  static final String FIND_ALL =
      "SELECT " + Hold.COLUMNS + " FROM credit_holds WHERE hold_id = ANY($1::text[])";
}
