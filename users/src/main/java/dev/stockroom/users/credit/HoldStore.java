package dev.stockroom.users.credit;

import dev.stockroom.common.jobs.ExpirySweeperVerticle;
import dev.stockroom.users.credit.HoldRefusal.Reason;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/**
 * All SQL about credit holds. A hold claims its id first (the primary key makes concurrent
 * duplicates wait and then see the winner), then takes the amount with one guarded UPDATE on the
 * user row, so concurrent holds can never overspend.
 */
public final class HoldStore {
  private static final String CLAIM =
      "INSERT INTO credit_holds (hold_id, user_id, amount_cents, ttl_seconds, status, expires_at)"
          + " VALUES ($1, $2, $3, $4::int, 'HELD', now() + $4::int * interval '1 second')"
          + " ON CONFLICT (hold_id) DO NOTHING RETURNING "
          + Hold.COLUMNS;
  private static final String TAKE_CREDIT =
      "UPDATE users SET held_cents = held_cents + $2"
          + " WHERE id = $1 AND credit_limit_cents - captured_cents - held_cents >= $2"
          + " RETURNING id";
  private static final String USER_EXISTS = "SELECT 1 FROM users WHERE id = $1";
  private static final String BY_ID =
      "SELECT " + Hold.COLUMNS + " FROM credit_holds WHERE hold_id = $1";

  /**
   * One row by its key. IS NOT DISTINCT FROM rather than {@code =}: a WHERE clause that implies the
   * partial index credit_holds_expiring's predicate lets a plan read this row through that index,
   * which holds every live hold: each capture would scan them all.
   */
  static final String CAPTURE =
      "UPDATE credit_holds SET status = 'CAPTURED', updated_at = now()"
          + " WHERE hold_id = $1 AND status IS NOT DISTINCT FROM 'HELD' AND expires_at > now()"
          + " RETURNING "
          + Hold.COLUMNS;

  /** One row by its key; IS NOT DISTINCT FROM for the reason given at {@link #CAPTURE}. */
  static final String RELEASE =
      "UPDATE credit_holds SET status = 'RELEASED', updated_at = now()"
          + " WHERE hold_id = $1 AND status IS NOT DISTINCT FROM 'HELD' RETURNING "
          + Hold.COLUMNS;

  private static final String MOVE_TO_CAPTURED =
      "UPDATE users SET held_cents = held_cents - $2, captured_cents = captured_cents + $2"
          + " WHERE id = $1";
  private static final String GIVE_BACK =
      "UPDATE users SET held_cents = held_cents - $2 WHERE id = $1";
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

  private final Pool pool;

  public HoldStore(Pool pool) {
    this.pool = pool;
  }

  /** The outcome of a hold request: the hold, and whether it was made just now. */
  public record Outcome(Hold hold, boolean created) {}

  public Future<Outcome> hold(String holdId, UUID userId, long amount, int ttlSeconds) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(CLAIM)
                    .execute(Tuple.of(holdId, userId, amount, ttlSeconds))
                    .compose(
                        claimed ->
                            claimed.size() == 0
                                ? Future.failedFuture(new Replay())
                                : takeCredit(conn, Hold.from(claimed.iterator().next()))))
        .recover(
            e -> {
              if (e instanceof Replay) {
                return replay(holdId, userId, amount, ttlSeconds);
              }
              if (e instanceof PgException pg && "23503".equals(pg.getSqlState())) {
                return Future.failedFuture(unknownUser(userId));
              }
              return Future.failedFuture(e);
            });
  }

  private Future<Outcome> takeCredit(SqlConnection conn, Hold hold) {
    return conn.preparedQuery(TAKE_CREDIT)
        .execute(Tuple.of(hold.userId(), hold.amountCents()))
        .compose(
            taken ->
                taken.size() == 1
                    ? Future.succeededFuture(new Outcome(hold, true))
                    : refusal(conn, hold.userId()));
  }

  /** Rolls the transaction back: no such user, or not enough credit. */
  private static Future<Outcome> refusal(SqlConnection conn, UUID userId) {
    return conn.preparedQuery(USER_EXISTS)
        .execute(Tuple.of(userId))
        .compose(
            rows ->
                Future.failedFuture(rows.size() == 0 ? unknownUser(userId) : insufficientCredit()));
  }

  private Future<Outcome> replay(String holdId, UUID userId, long amount, int ttlSeconds) {
    return find(holdId)
        .map(
            existing -> {
              Hold hold =
                  existing.orElseThrow(
                      () ->
                          new HoldRefusal(
                              Reason.CHANGED_CONCURRENTLY, "The hold changed concurrently; retry"));
              if (!hold.sameRequestAs(userId, amount, ttlSeconds)) {
                throw new HoldRefusal(
                    Reason.HOLD_ID_REUSED,
                    "Hold " + holdId + " was made with a different user, amount or ttl");
              }
              return new Outcome(hold, false);
            });
  }

  public Future<Optional<Hold>> find(String holdId) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(holdId)).map(HoldStore::first);
  }

  /** Captures a live hold; capturing again answers the captured hold. */
  public Future<Hold> capture(String holdId) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(CAPTURE)
                    .execute(Tuple.of(holdId))
                    .compose(rows -> settle(conn, rows, MOVE_TO_CAPTURED)))
        .compose(
            done ->
                done.isPresent()
                    ? Future.succeededFuture(done.get())
                    : find(holdId).map(h -> alreadySettled(holdId, h, "CAPTURED")));
  }

  /** Releases a live hold; releasing an unknown or already released hold is fine. */
  public Future<Void> release(String holdId) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(RELEASE)
                    .execute(Tuple.of(holdId))
                    .compose(rows -> settle(conn, rows, GIVE_BACK)))
        .compose(
            done ->
                done.isPresent()
                    ? Future.succeededFuture()
                    : find(holdId)
                        .map(
                            h -> {
                              if (h.isPresent() && h.get().status().equals("CAPTURED")) {
                                throw new HoldRefusal(
                                    Reason.CAPTURED, "Hold " + holdId + " was captured");
                              }
                              return null;
                            }));
  }

  private static Future<Optional<Hold>> settle(SqlConnection conn, RowSet<Row> rows, String sql) {
    Optional<Hold> hold = first(rows);
    if (hold.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return conn.preparedQuery(sql)
        .execute(Tuple.of(hold.get().userId(), hold.get().amountCents()))
        .map(hold);
  }

  static Hold alreadySettled(String holdId, Optional<Hold> hold, String wanted) {
    Hold found =
        hold.orElseThrow(
            () -> new HoldRefusal(Reason.UNKNOWN_HOLD, "Hold " + holdId + " was not found"));
    if (found.status().equals(wanted)) {
      return found;
    }
    throw HoldRefusal.settled(holdId, found.status());
  }

  static HoldRefusal insufficientCredit() {
    return new HoldRefusal(
        Reason.INSUFFICIENT_CREDIT, "The user's available credit is less than the amount");
  }

  static HoldRefusal unknownUser(UUID userId) {
    return new HoldRefusal(Reason.UNKNOWN_USER, "User " + userId + " was not found");
  }

  private static Optional<Hold> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Hold.from(rows.iterator().next()));
  }

  /** Signals that the hold id was taken already: answer from the existing hold. */
  private static final class Replay extends RuntimeException {
    Replay() {
      super(null, null, false, false);
    }
  }

  /** What the expiry sweeper does with credit holds. */
  public ExpirySweeperVerticle.Sweep expirySweep() {
    return new ExpirySweeperVerticle.Sweep(
        "credit_holds",
        batch ->
            pool.preparedQuery(EXPIRE)
                .execute(Tuple.of(batch))
                .map(rows -> rows.iterator().next().getLong("expired").intValue()),
        LIVE,
        (retention, batch) ->
            pool.preparedQuery(PURGE)
                .execute(Tuple.of((double) retention.toSeconds(), batch))
                .map(rows -> rows.rowCount()));
  }
}
