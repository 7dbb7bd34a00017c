package dev.stockroom.users.credit;

import dev.stockroom.common.jobs.ExpirySweeperVerticle;
import dev.stockroom.users.credit.HoldRefusal.Reason;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/**
 * Credit holds (their SQL is in {@link HoldSql}). A hold claims its id first (the primary key makes
 * concurrent duplicates wait and then see the winner), then takes the amount with one guarded
 * UPDATE on the user row, so concurrent holds can never overspend.
 */
public final class HoldStore {
  private final Pool pool;

  public HoldStore(Pool pool) {
    this.pool = pool;
  }

  /** The outcome of a hold request: the hold, and whether it was made just now. */
  public record Outcome(Hold hold, boolean created) {}

  public Future<Outcome> hold(String holdId, UUID userId, long amount, int ttlSeconds) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(HoldSql.CLAIM)
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
              return Future.failedFuture(e);
            });
  }

  private Future<Outcome> takeCredit(SqlConnection conn, Hold hold) {
    return conn.preparedQuery(HoldSql.TAKE_CREDIT)
        .execute(Tuple.of(hold.userId(), hold.amountCents()))
        .compose(
            taken ->
                taken.size() == 1
                    ? Future.succeededFuture(new Outcome(hold, true))
                    : refusal(conn, hold.userId()));
  }

  /** Rolls the transaction back: no such user, or not enough credit. */
  private static Future<Outcome> refusal(SqlConnection conn, UUID userId) {
    return conn.preparedQuery(HoldSql.USER_EXISTS)
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
              if (hold.releasedBeforeMade()) {
                throw releasedBeforeMade(holdId);
              }
              if (!hold.sameRequestAs(userId, amount, ttlSeconds)) {
                throw HoldRefusal.idReused(holdId);
              }
              return new Outcome(hold, false);
            });
  }

  public Future<Optional<Hold>> find(String holdId) {
    return pool.preparedQuery(HoldSql.BY_ID).execute(Tuple.of(holdId)).map(HoldStore::first);
  }

  /**
   * Captures a live hold; capturing again answers the captured hold. A hold found past its expiry
   * is expired here, its credit given back, and the refusal committed with it: no capture can land
   * after it.
   */
  public Future<Hold> capture(String holdId) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(HoldSql.CAPTURE)
                    .execute(Tuple.of(holdId))
                    .compose(rows -> settle(conn, rows)))
        .compose(
            done ->
                done.isPresent()
                    ? Future.succeededFuture(alreadySettled(holdId, done, "CAPTURED"))
                    : find(holdId).map(h -> alreadySettled(holdId, h, "CAPTURED")));
  }

  /**
   * Releases a live hold; releasing an unknown or already released hold is fine. An unknown one is
   * recorded as released before it was made; if its claim won meanwhile, it is released now.
   */
  public Future<Void> release(String holdId) {
    return release(holdId, true);
  }

  private Future<Void> release(String holdId, boolean once) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(HoldSql.RELEASE)
                    .execute(Tuple.of(holdId))
                    .compose(rows -> settle(conn, rows)))
        .compose(
            done ->
                done.isPresent()
                    ? Future.succeededFuture()
                    : find(holdId)
                        .compose(
                            h -> {
                              if (h.isPresent() && h.get().status().equals("CAPTURED")) {
                                return Future.failedFuture(
                                    new HoldRefusal(
                                        Reason.CAPTURED, "Hold " + holdId + " was captured"));
                              }
                              return h.isPresent()
                                  ? Future.succeededFuture()
                                  : releaseBeforeMade(holdId, once);
                            }));
  }

  private Future<Void> releaseBeforeMade(String holdId, boolean once) {
    return pool.preparedQuery(HoldSql.RELEASED_BEFORE_MADE)
        .execute(Tuple.of(holdId))
        .compose(
            recorded ->
                recorded.size() == 0 && once
                    ? release(holdId, false)
                    : Future.<Void>succeededFuture());
  }

  static HoldRefusal releasedBeforeMade(String holdId) {
    return new HoldRefusal(
        Reason.HOLD_ID_REUSED, "Hold " + holdId + " was released before it was made");
  }

  /**
   * The user's credit after a hold settled: a captured hold's moves to captured, a released or
   * expired one's is given back.
   */
  private static Future<Optional<Hold>> settle(SqlConnection conn, RowSet<Row> rows) {
    Optional<Hold> hold = first(rows);
    if (hold.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    boolean captured = hold.get().status().equals("CAPTURED");
    return conn.preparedQuery(captured ? HoldSql.MOVE_TO_CAPTURED : HoldSql.GIVE_BACK)
        .execute(Tuple.of(hold.get().userId(), hold.get().amountCents()))
        .compose(
            moved ->
                // A live hold whose person is gone (erased by a pod from before users V6, which
                // left it behind) captures nothing: refused and rolled back, as an unknown user.
                captured && moved.rowCount() == 0
                    ? Future.failedFuture(unknownUser(hold.get().userId()))
                    : Future.succeededFuture(hold));
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
            pool.preparedQuery(HoldSql.EXPIRE)
                .execute(Tuple.of(batch))
                .map(rows -> rows.iterator().next().getLong("expired").intValue()),
        HoldSql.LIVE,
        (retention, batch) ->
            pool.preparedQuery(HoldSql.PURGE)
                .execute(Tuple.of((double) retention.toSeconds(), batch))
                .map(rows -> rows.rowCount()));
  }
}
