package dev.stockroom.inventory.reservations;

import static dev.stockroom.inventory.reservations.ReservationSql.CLAIM_ALL;
import static dev.stockroom.inventory.reservations.ReservationSql.CONFIRM_ALL;
import static dev.stockroom.inventory.reservations.ReservationSql.FIND_ALL;
import static dev.stockroom.inventory.reservations.ReservationSql.LOCK_ITEMS;
import static dev.stockroom.inventory.reservations.ReservationSql.SELL;
import static dev.stockroom.inventory.reservations.ReservationSql.TAKE_ALL;
import static dev.stockroom.inventory.reservations.ReservationSql.UNCLAIM;

import dev.stockroom.common.domain.BatchItem;
import dev.stockroom.common.domain.RefusedRepeats;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * The saga's group commit: many orders' reservations, or confirmations, in one transaction that
 * locks each item row once for all of them. Each reservation is still all-or-nothing and idempotent
 * by its own id, and answered as the single call would answer it. Locks are taken as the single
 * calls take them: claims (ids in sorted order), then item rows in sku order.
 */
public final class ReservationBatches {
  private final Pool pool;

  public ReservationBatches(Pool pool) {
    this.pool = pool;
  }

  /** Answers in the order of {@code requests}. */
  public Future<List<BatchItem<Reservation>>> reserve(List<ReservationRequest> requests) {
    return pool.withTransaction(conn -> claimAndTake(conn, requests))
        .compose(
            answers -> {
              RefusedRepeats.answer(
                  requests,
                  ReservationRequest::reservationId,
                  ReservationRequest::fingerprint,
                  answers,
                  request -> ReservationRefusal.idReused(request.reservationId()));
              return replays(requests, answers);
            });
  }

  private Future<BatchItem<Reservation>[]> claimAndTake(
      SqlConnection conn, List<ReservationRequest> requests) {
    Map<String, ReservationRequest> byId = new HashMap<>();
    requests.forEach(r -> byId.putIfAbsent(r.reservationId(), r));
    String[] ids = byId.keySet().stream().sorted().toArray(String[]::new);
    String[] fingerprints =
        Arrays.stream(ids).map(id -> byId.get(id).fingerprint()).toArray(String[]::new);
    Integer[] ttls =
        Arrays.stream(ids).map(id -> byId.get(id).ttlSeconds()).toArray(Integer[]::new);
    return conn.preparedQuery(CLAIM_ALL)
        .execute(Tuple.of(ids, fingerprints, ttls))
        .compose(claimed -> take(conn, requests, headers(claimed)));
  }

  /**
   * Locks the claimed requests' items once, decides each request in order against what is left,
   * gives up the refused ones' claims and takes the stock of the others in one statement.
   */
  private Future<BatchItem<Reservation>[]> take(
      SqlConnection conn, List<ReservationRequest> requests, Map<String, Reservation> claimed) {
    BatchItem<Reservation>[] answers = newAnswers(requests.size());
    // The first item with a claimed id is its claimant; a repeat of the id is a replay.
    Map<Integer, Reservation> claimants = new LinkedHashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      Reservation header = claimed.remove(requests.get(i).reservationId());
      if (header != null) {
        claimants.put(i, header);
      }
    }
    if (claimants.isEmpty()) {
      return Future.succeededFuture(answers);
    }
    TreeSet<String> skus = new TreeSet<>();
    claimants.keySet().forEach(i -> skus.addAll(requests.get(i).lines().keySet()));
    return conn.preparedQuery(LOCK_ITEMS)
        .execute(Tuple.of((Object) skus.toArray(String[]::new)))
        .compose(locked -> decide(conn, requests, claimants, available(locked), answers));
  }

  private Future<BatchItem<Reservation>[]> decide(
      SqlConnection conn,
      List<ReservationRequest> requests,
      Map<Integer, Reservation> claimants,
      Map<String, Integer> available,
      BatchItem<Reservation>[] answers) {
    List<String> refused = new ArrayList<>();
    List<String> lineIds = new ArrayList<>();
    List<String> lineSkus = new ArrayList<>();
    List<Integer> lineQuantities = new ArrayList<>();
    for (int i : claimants.keySet()) {
      ReservationRequest request = requests.get(i);
      ReservationRefusal refusal = StockCheck.refusalOf(request, available);
      if (refusal != null) {
        answers[i] = BatchItem.refused(refusal);
        refused.add(request.reservationId());
        continue;
      }
      request
          .lines()
          .forEach(
              (sku, quantity) -> {
                available.merge(sku, -quantity, Integer::sum);
                lineIds.add(request.reservationId());
                lineSkus.add(sku);
                lineQuantities.add(quantity);
              });
    }
    Future<?> unclaimed =
        refused.isEmpty()
            ? Future.succeededFuture()
            : conn.preparedQuery(UNCLAIM)
                .execute(Tuple.of((Object) refused.toArray(String[]::new)));
    if (lineIds.isEmpty()) {
      return unclaimed.map(answers);
    }
    return unclaimed
        .compose(
            v ->
                conn.preparedQuery(TAKE_ALL)
                    .execute(
                        Tuple.of(
                            lineIds.toArray(String[]::new),
                            lineSkus.toArray(String[]::new),
                            lineQuantities.toArray(Integer[]::new))))
        .map(taken -> accepted(requests, claimants, answers, taken, lineIds.size()));
  }

  private static BatchItem<Reservation>[] accepted(
      List<ReservationRequest> requests,
      Map<Integer, Reservation> claimants,
      BatchItem<Reservation>[] answers,
      RowSet<Row> taken,
      int lines) {
    if (taken.size() != lines) {
      throw new IllegalStateException("took " + taken.size() + " of " + lines + " locked lines");
    }
    Map<String, List<Reservation.Line>> linesById = new HashMap<>();
    taken.forEach(
        row ->
            linesById
                .computeIfAbsent(row.getString("reservation_id"), id -> new ArrayList<>())
                .add(Reservation.Line.from(row)));
    claimants.forEach(
        (i, header) -> {
          if (answers[i] == null) {
            List<Reservation.Line> itsLines = linesById.get(requests.get(i).reservationId());
            answers[i] = BatchItem.created(header.withLines(itsLines));
          }
        });
    return answers;
  }

  /** Requests whose id was claimed before (or by an earlier item): answered from what exists. */
  private Future<List<BatchItem<Reservation>>> replays(
      List<ReservationRequest> requests, BatchItem<Reservation>[] answers) {
    String[] unanswered =
        IntStream.range(0, answers.length)
            .filter(i -> answers[i] == null)
            .mapToObj(i -> requests.get(i).reservationId())
            .distinct()
            .toArray(String[]::new);
    Future<Map<String, Reservation>> found =
        unanswered.length == 0 ? Future.succeededFuture(Map.of()) : findAll(unanswered);
    return found.map(
        existing -> {
          List<BatchItem<Reservation>> all = new ArrayList<>(answers.length);
          for (int i = 0; i < answers.length; i++) {
            ReservationRequest request = requests.get(i);
            all.add(
                answers[i] != null
                    ? answers[i]
                    : BatchItem.of(() -> replay(request, existing.get(request.reservationId()))));
          }
          return all;
        });
  }

  private static Reservation replay(ReservationRequest request, Reservation found) {
    if (found == null) {
      // Claimed before, with no lines: released before it was made (ReservationStore#giveBack).
      throw ReservationRefusal.ended(request.reservationId(), "RELEASED");
    }
    if (!found.fingerprint().equals(request.fingerprint())) {
      throw ReservationRefusal.idReused(request.reservationId());
    }
    return found;
  }

  /** Sells each live reservation's stock; answers in the order of {@code ids}. */
  public Future<List<BatchItem<Reservation>>> confirm(List<String> ids) {
    String[] distinct = ids.stream().distinct().sorted().toArray(String[]::new);
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(CONFIRM_ALL)
                    .execute(Tuple.of((Object) distinct))
                    .compose(
                        rows -> ReservationStore.settle(conn, ReservationStore.ids(rows), SELL)))
        .compose(v -> findAll(distinct))
        .map(
            found ->
                ids.stream()
                    .map(
                        id ->
                            BatchItem.of(
                                () ->
                                    ReservationStore.confirmed(
                                        id, Optional.ofNullable(found.get(id)))))
                    .toList());
  }

  private Future<Map<String, Reservation>> findAll(String[] ids) {
    return pool.preparedQuery(FIND_ALL)
        .execute(Tuple.of((Object) ids))
        .map(
            rows -> {
              Map<String, Reservation> headers = new LinkedHashMap<>();
              Map<String, List<Reservation.Line>> lines = new HashMap<>();
              for (Row row : rows) {
                String id = row.getString("reservation_id");
                headers.computeIfAbsent(id, k -> Reservation.header(row));
                lines.computeIfAbsent(id, k -> new ArrayList<>()).add(Reservation.Line.from(row));
              }
              Map<String, Reservation> found = new HashMap<>();
              headers.forEach((id, header) -> found.put(id, header.withLines(lines.get(id))));
              return found;
            });
  }

  @SuppressWarnings("unchecked")
  private static BatchItem<Reservation>[] newAnswers(int size) {
    return (BatchItem<Reservation>[]) new BatchItem<?>[size];
  }

  private static Map<String, Reservation> headers(RowSet<Row> claimed) {
    Map<String, Reservation> headers = new HashMap<>();
    claimed.forEach(row -> headers.put(row.getString("reservation_id"), Reservation.header(row)));
    return headers;
  }

  private static Map<String, Integer> available(RowSet<Row> locked) {
    Map<String, Integer> available = new HashMap<>();
    locked.forEach(row -> available.put(row.getString("sku"), row.getInteger("available")));
    return available;
  }
}
