package dev.stockroom.inventory.reservations;

import static dev.stockroom.inventory.reservations.ReservationSql.CLAIM;
import static dev.stockroom.inventory.reservations.ReservationSql.CONFIRM;
import static dev.stockroom.inventory.reservations.ReservationSql.EXPIRE;
import static dev.stockroom.inventory.reservations.ReservationSql.FIND;
import static dev.stockroom.inventory.reservations.ReservationSql.GIVE_BACK;
import static dev.stockroom.inventory.reservations.ReservationSql.LOCK_ITEMS;
import static dev.stockroom.inventory.reservations.ReservationSql.LOCK_ITEMS_OF;
import static dev.stockroom.inventory.reservations.ReservationSql.SELL;
import static dev.stockroom.inventory.reservations.ReservationSql.TAKE;

import dev.stockroom.common.jobs.ExpirySweeperVerticle;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reservations against the stock on the item rows, each change in one transaction: the id is
 * claimed first (idempotency), then the item rows are locked in sku order, checked, and changed.
 */
public final class ReservationStore {
  private final Pool pool;
  private final ReservationUndo undo;

  public ReservationStore(Pool pool) {
    this.pool = pool;
    this.undo = new ReservationUndo(pool);
  }

  /** The outcome of a reservation request: the reservation, and whether it was made just now. */
  public record Outcome(Reservation reservation, boolean created) {}

  /** All or nothing: every line is taken, or the transaction rolls back with a refusal. */
  public Future<Outcome> reserve(ReservationRequest request) {
    Tuple claim = Tuple.of(request.reservationId(), request.fingerprint(), request.ttlSeconds());
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(CLAIM)
                    .execute(claim)
                    .compose(
                        claimed ->
                            claimed.size() == 0
                                ? Future.failedFuture(new Replay())
                                : take(conn, request, Reservation.header(first(claimed)))))
        .recover(e -> e instanceof Replay ? replay(request) : Future.failedFuture(e));
  }

  private Future<Outcome> take(SqlConnection conn, ReservationRequest request, Reservation held) {
    return conn.preparedQuery(LOCK_ITEMS)
        .execute(Tuple.of(request.skus()))
        .compose(locked -> StockCheck.refusal(request, locked))
        .compose(
            v ->
                conn.preparedQuery(TAKE)
                    .execute(
                        Tuple.of(request.reservationId(), request.skus(), request.quantities())))
        .map(
            taken -> {
              if (taken.size() != request.lines().size()) {
                throw new IllegalStateException(
                    "took " + taken.size() + " of " + request.lines().size() + " locked lines");
              }
              List<Reservation.Line> lines = new ArrayList<>();
              taken.forEach(row -> lines.add(Reservation.Line.from(row)));
              return new Outcome(held.withLines(lines), true);
            });
  }

  private Future<Outcome> replay(ReservationRequest request) {
    String id = request.reservationId();
    return find(id)
        .map(
            existing -> {
              Reservation found =
                  existing.orElseThrow(() -> ReservationRefusal.ended(id, "RELEASED"));
              if (!found.fingerprint().equals(request.fingerprint())) {
                throw ReservationRefusal.idReused(id);
              }
              return new Outcome(found, false);
            });
  }

  public Future<Optional<Reservation>> find(String reservationId) {
    return find(pool, reservationId);
  }

  static Future<Optional<Reservation>> find(Pool pool, String reservationId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(reservationId)).map(Reservation::fromJoined);
  }

  /** Sells a live reservation's stock; confirming again answers the confirmed reservation. */
  public Future<Reservation> confirm(String reservationId) {
    return transition(reservationId, CONFIRM, SELL)
        .compose(v -> find(reservationId))
        .map(found -> confirmed(reservationId, found));
  }

  /** Gives a live reservation's stock back; an unknown or already ended one is fine. */
  public Future<Void> release(String reservationId) {
    return undo.release(reservationId);
  }

  /** Undoes whatever the reservation took; see {@link ReservationUndo#giveBack}. */
  public Future<Reservation> giveBack(String reservationId) {
    return undo.giveBack(reservationId);
  }

  /** Expires up to {@code batch} overdue holds and gives their stock back; answers how many. */
  public Future<Integer> expire(int batch) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(EXPIRE)
                .execute(Tuple.of(batch))
                .compose(rows -> settle(conn, ids(rows), GIVE_BACK)));
  }

  private Future<Boolean> transition(String reservationId, String move, String stock) {
    return transition(pool, reservationId, move, stock);
  }

  /** Moves the reservation out of HELD with a guarded UPDATE and, if it moved, its stock. */
  static Future<Boolean> transition(Pool pool, String reservationId, String move, String stock) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(move)
                .execute(Tuple.of(reservationId))
                .compose(rows -> settle(conn, ids(rows), stock))
                .map(moved -> moved > 0));
  }

  /** Locks the reservations' items in sku order, then changes their stock; answers the count. */
  static Future<Integer> settle(SqlConnection conn, String[] ids, String stock) {
    if (ids.length == 0) {
      return Future.succeededFuture(0);
    }
    Tuple byIds = Tuple.of(ids);
    return conn.preparedQuery(LOCK_ITEMS_OF)
        .execute(byIds)
        .compose(locked -> conn.preparedQuery(stock).execute(byIds))
        .map(done -> ids.length);
  }

  static Reservation confirmed(String reservationId, Optional<Reservation> found) {
    Reservation reservation = found.orElseThrow(() -> ReservationRefusal.unknown(reservationId));
    if (reservation.status().equals("CONFIRMED")) {
      return reservation;
    }
    throw ReservationRefusal.ended(reservationId, reservation.status());
  }

  static String[] ids(RowSet<Row> rows) {
    List<String> ids = new ArrayList<>();
    rows.forEach(row -> ids.add(row.getString("reservation_id")));
    return ids.toArray(String[]::new);
  }

  private static Row first(RowSet<Row> rows) {
    return rows.iterator().next();
  }

  /** Signals that the id was claimed already: answer from the existing reservation. */
  private static final class Replay extends RuntimeException {
    Replay() {
      super(null, null, false, false);
    }
  }

  /** What the expiry sweeper does with reservations. */
  public ExpirySweeperVerticle.Sweep expirySweep() {
    return new ExpirySweeperVerticle.Sweep(
        "reservations",
        this::expire,
        ReservationSql.LIVE,
        (retention, batch) ->
            pool.preparedQuery(ReservationSql.PURGE)
                .execute(Tuple.of((double) retention.toSeconds(), batch))
                .map(rows -> rows.rowCount()));
  }
}
