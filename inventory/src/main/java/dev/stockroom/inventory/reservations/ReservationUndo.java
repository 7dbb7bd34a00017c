package dev.stockroom.inventory.reservations;

import static dev.stockroom.inventory.reservations.ReservationSql.GIVE_BACK;
import static dev.stockroom.inventory.reservations.ReservationSql.RELEASE;
import static dev.stockroom.inventory.reservations.ReservationSql.RELEASED_BEFORE_MADE;
import static dev.stockroom.inventory.reservations.ReservationSql.RESTOCK;
import static dev.stockroom.inventory.reservations.ReservationSql.RETURN;

import dev.stockroom.inventory.reservations.ReservationRefusal.Reason;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.function.Supplier;

/**
 * Undoing reservations: release (a live one's stock back) and give back (whatever it took, sold
 * stock included: the saga's compensation). An undo may race the reservation it undoes, still being
 * made by a call its caller gave up on; finding nothing, it records the id as released before it
 * was made, so that reservation takes nothing when it lands.
 */
final class ReservationUndo {
  private final Pool pool;

  ReservationUndo(Pool pool) {
    this.pool = pool;
  }

  /** Gives a live reservation's stock back; an unknown or already ended one is fine. */
  Future<Void> release(String reservationId) {
    return release(reservationId, true);
  }

  private Future<Void> release(String reservationId, boolean once) {
    return ReservationStore.transition(pool, reservationId, RELEASE, GIVE_BACK)
        .compose(
            released ->
                released
                    ? Future.succeededFuture()
                    : ReservationStore.find(pool, reservationId)
                        .compose(
                            found ->
                                found.isPresent()
                                    ? refuseIfConfirmed(reservationId, found.get())
                                    : unknownSoFar(
                                        reservationId,
                                        once,
                                        () -> release(reservationId, false),
                                        Future::succeededFuture)));
  }

  /**
   * Undoes whatever the reservation took: a live one is released, a sold one's stock is put back.
   * Answers the reservation as it ended; idempotent. Sold stock that no longer fits an item
   * (restocked to the column's largest value meanwhile) is refused, the reservation left as it was:
   * the saga's compensation retries until there is room.
   */
  Future<Reservation> giveBack(String reservationId) {
    return giveBack(reservationId, true);
  }

  private Future<Reservation> giveBack(String reservationId, boolean once) {
    return ReservationStore.transition(pool, reservationId, RELEASE, GIVE_BACK)
        .compose(
            released ->
                released
                    ? Future.succeededFuture(true)
                    : ReservationStore.transition(pool, reservationId, RETURN, RESTOCK)
                        .recover(
                            failure ->
                                Future.failedFuture(
                                    outOfRange(failure)
                                        ? ReservationRefusal.noRoomToReturn(reservationId)
                                        : failure)))
        .compose(v -> ReservationStore.find(pool, reservationId))
        .compose(
            found ->
                found.isPresent()
                    ? Future.succeededFuture(found.get())
                    : unknownSoFar(
                        reservationId,
                        once,
                        () -> giveBack(reservationId, false),
                        () -> Future.failedFuture(ReservationRefusal.unknown(reservationId))));
  }

  /**
   * An undo that found no reservation: the id is recorded as released before it was made ({@link
   * ReservationSql#RELEASED_BEFORE_MADE}) and the undo answers {@code nothing}; or a reservation
   * with the id exists now (its claim won, and this waited for it), and the undo runs {@code
   * again}, once.
   */
  private <T> Future<T> unknownSoFar(
      String reservationId, boolean once, Supplier<Future<T>> again, Supplier<Future<T>> nothing) {
    return pool.preparedQuery(RELEASED_BEFORE_MADE)
        .execute(Tuple.of(reservationId))
        .compose(recorded -> recorded.size() == 0 && once ? again.get() : nothing.get());
  }

  /** PostgreSQL's numeric_value_out_of_range: an integer column would overflow. */
  private static boolean outOfRange(Throwable failure) {
    return failure instanceof PgException pg && "22003".equals(pg.getSqlState());
  }

  private static Future<Void> refuseIfConfirmed(String reservationId, Reservation found) {
    return found.status().equals("CONFIRMED")
        ? Future.failedFuture(
            new ReservationRefusal(
                Reason.CONFIRMED,
                "Reservation " + reservationId + " was confirmed: its stock is sold"))
        : Future.succeededFuture();
  }
}
