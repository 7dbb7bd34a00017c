package dev.stockroom.users.credit;

import static dev.stockroom.users.credit.HoldSql.CAPTURE_ALL;
import static dev.stockroom.users.credit.HoldSql.CLAIM_ALL;
import static dev.stockroom.users.credit.HoldSql.FIND_ALL;
import static dev.stockroom.users.credit.HoldSql.LOCK_USERS;
import static dev.stockroom.users.credit.HoldSql.SETTLE_ALL;
import static dev.stockroom.users.credit.HoldSql.TAKE_ALL;
import static dev.stockroom.users.credit.HoldSql.UNCLAIM;

import dev.stockroom.common.domain.BatchItem;
import dev.stockroom.common.domain.RefusedRepeats;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The saga's group commit on the credit side: many orders' holds, or captures, in one transaction
 * that locks each user row once for all of them. Each hold is still all-or-nothing and idempotent
 * by its own id, and answered as the single call would answer it.
 */
public final class HoldBatches {
  private final Pool pool;

  public HoldBatches(Pool pool) {
    this.pool = pool;
  }

  /** A hold asked for in a batch. */
  public record HoldRequest(String holdId, UUID userId, long amountCents, int ttlSeconds) {}

  /** Answers in the order of {@code requests}. */
  public Future<List<BatchItem<Hold>>> hold(List<HoldRequest> requests) {
    return pool.withTransaction(conn -> claimAndTake(conn, requests))
        .recover(
            failure ->
                userDeletedMeanwhile(failure)
                    ? pool.withTransaction(conn -> claimAndTake(conn, requests))
                    : Future.failedFuture(failure))
        .compose(
            answers -> {
              RefusedRepeats.answer(
                  requests,
                  HoldRequest::holdId,
                  request -> request,
                  answers,
                  request -> HoldRefusal.idReused(request.holdId()));
              return replays(requests, answers);
            });
  }

  /**
   * A user deleted after the claim's EXISTS saw them, while its foreign key check waited for their
   * row: the whole statement fails (nothing is written). Once more, the claim no longer sees them
   * and their holds are answered 404 like the single call's.
   */
  private static boolean userDeletedMeanwhile(Throwable failure) {
    return failure instanceof PgException pg && "23503".equals(pg.getSqlState());
  }

  private Future<BatchItem<Hold>[]> claimAndTake(SqlConnection conn, List<HoldRequest> requests) {
    Map<String, HoldRequest> byId = new HashMap<>();
    requests.forEach(r -> byId.putIfAbsent(r.holdId(), r));
    List<HoldRequest> sorted =
        byId.values().stream().sorted((a, b) -> a.holdId().compareTo(b.holdId())).toList();
    Tuple claim =
        Tuple.of(
            sorted.stream().map(HoldRequest::holdId).toArray(String[]::new),
            sorted.stream().map(HoldRequest::userId).toArray(UUID[]::new),
            sorted.stream().map(HoldRequest::amountCents).toArray(Long[]::new),
            sorted.stream().map(HoldRequest::ttlSeconds).toArray(Integer[]::new));
    return conn.preparedQuery(CLAIM_ALL)
        .execute(claim)
        .compose(claimed -> take(conn, requests, byHoldId(claimed)));
  }

  /** Locks the claimants' users once and decides each hold in order against what is left. */
  private Future<BatchItem<Hold>[]> take(
      SqlConnection conn, List<HoldRequest> requests, Map<String, Hold> claimed) {
    BatchItem<Hold>[] answers = newAnswers(requests.size());
    // The first item with a claimed id is its claimant; a repeat of the id is a replay.
    Map<Integer, Hold> claimants = new LinkedHashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      Hold hold = claimed.remove(requests.get(i).holdId());
      if (hold != null) {
        claimants.put(i, hold);
      }
    }
    if (claimants.isEmpty()) {
      return Future.succeededFuture(answers);
    }
    UUID[] users =
        claimants.values().stream().map(Hold::userId).distinct().sorted().toArray(UUID[]::new);
    return conn.preparedQuery(LOCK_USERS)
        .execute(Tuple.of((Object) users))
        .compose(locked -> decide(conn, claimants, available(locked), answers));
  }

  private Future<BatchItem<Hold>[]> decide(
      SqlConnection conn,
      Map<Integer, Hold> claimants,
      Map<UUID, Long> available,
      BatchItem<Hold>[] answers) {
    List<String> refused = new ArrayList<>();
    List<UUID> users = new ArrayList<>();
    List<Long> amounts = new ArrayList<>();
    claimants.forEach(
        (i, hold) -> {
          Long left = available.get(hold.userId());
          if (left == null) {
            // Erased between its claim and the lock (holds have no foreign key since users V6).
            answers[i] = BatchItem.refused(HoldStore.unknownUser(hold.userId()));
            refused.add(hold.holdId());
            return;
          }
          if (left < hold.amountCents()) {
            answers[i] = BatchItem.refused(HoldStore.insufficientCredit());
            refused.add(hold.holdId());
            return;
          }
          available.put(hold.userId(), left - hold.amountCents());
          users.add(hold.userId());
          amounts.add(hold.amountCents());
          answers[i] = BatchItem.created(hold);
        });
    Future<?> unclaimed =
        refused.isEmpty()
            ? Future.succeededFuture()
            : conn.preparedQuery(UNCLAIM)
                .execute(Tuple.of((Object) refused.toArray(String[]::new)));
    if (users.isEmpty()) {
      return unclaimed.map(answers);
    }
    long distinctUsers = users.stream().distinct().count();
    return unclaimed
        .compose(
            v ->
                conn.preparedQuery(TAKE_ALL)
                    .execute(perUser(users.toArray(UUID[]::new), amounts.toArray(Long[]::new))))
        .map(
            taken -> {
              if (taken.rowCount() != distinctUsers) {
                throw new IllegalStateException(
                    "took credit of " + taken.rowCount() + " of " + distinctUsers + " users");
              }
              return answers;
            });
  }

  /** Holds whose id existed (or was unknown to the claim): answered from what exists. */
  private Future<List<BatchItem<Hold>>> replays(
      List<HoldRequest> requests, BatchItem<Hold>[] answers) {
    String[] unanswered =
        IntStream.range(0, answers.length)
            .filter(i -> answers[i] == null)
            .mapToObj(i -> requests.get(i).holdId())
            .distinct()
            .toArray(String[]::new);
    return findAll(unanswered)
        .map(
            existing ->
                IntStream.range(0, answers.length)
                    .mapToObj(
                        i ->
                            answers[i] != null
                                ? answers[i]
                                : BatchItem.of(() -> replay(requests.get(i), existing)))
                    .toList());
  }

  /** Not claimed and not there: the claim skipped it because its user is unknown. */
  private static Hold replay(HoldRequest request, Map<String, Hold> existing) {
    Hold hold = existing.get(request.holdId());
    if (hold == null) {
      throw HoldStore.unknownUser(request.userId());
    }
    if (hold.releasedBeforeMade()) {
      throw HoldStore.releasedBeforeMade(request.holdId());
    }
    if (!hold.sameRequestAs(request.userId(), request.amountCents(), request.ttlSeconds())) {
      throw HoldRefusal.idReused(request.holdId());
    }
    return hold;
  }

  /** Captures each live hold; answers in the order of {@code holdIds}. */
  public Future<List<BatchItem<Hold>>> capture(List<String> holdIds) {
    String[] distinct = holdIds.stream().distinct().sorted().toArray(String[]::new);
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(CAPTURE_ALL)
                    .execute(Tuple.of((Object) distinct))
                    .compose(settled -> settle(conn, settled)))
        .compose(v -> findAll(distinct))
        .map(
            found ->
                holdIds.stream()
                    .map(
                        id ->
                            BatchItem.of(
                                () ->
                                    HoldStore.alreadySettled(
                                        id, Optional.ofNullable(found.get(id)), "CAPTURED")))
                    .toList());
  }

  /** Captured holds' credit moves to captured, expired ones' is given back: one statement. */
  private static Future<Void> settle(SqlConnection conn, RowSet<Row> settled) {
    List<Hold> holds = new ArrayList<>();
    settled.forEach(row -> holds.add(Hold.from(row)));
    if (holds.isEmpty()) {
      return Future.succeededFuture();
    }
    UUID[] users = holds.stream().map(Hold::userId).distinct().sorted().toArray(UUID[]::new);
    Tuple amounts =
        perUser(
                holds.stream().map(Hold::userId).toArray(UUID[]::new),
                holds.stream().map(Hold::amountCents).toArray(Long[]::new))
            .addArrayOfBoolean(
                holds.stream().map(h -> h.status().equals("CAPTURED")).toArray(Boolean[]::new));
    return conn.preparedQuery(LOCK_USERS)
        .execute(Tuple.of((Object) users))
        .compose(locked -> conn.preparedQuery(SETTLE_ALL).execute(amounts))
        .mapEmpty();
  }

  private Future<Map<String, Hold>> findAll(String[] holdIds) {
    if (holdIds.length == 0) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery(FIND_ALL).execute(Tuple.of((Object) holdIds)).map(this::byHoldId);
  }

  private Map<String, Hold> byHoldId(RowSet<Row> rows) {
    Map<String, Hold> holds = new HashMap<>();
    rows.forEach(row -> holds.put(row.getString("hold_id"), Hold.from(row)));
    return holds;
  }

  /** Two arrays as two parameters (Tuple.of would spread the second as varargs). */
  private static Tuple perUser(UUID[] users, Long[] amounts) {
    return Tuple.tuple().addArrayOfUUID(users).addArrayOfLong(amounts);
  }

  @SuppressWarnings("unchecked")
  private static BatchItem<Hold>[] newAnswers(int size) {
    return (BatchItem<Hold>[]) new BatchItem<?>[size];
  }

  private static Map<UUID, Long> available(RowSet<Row> locked) {
    Map<UUID, Long> available = new HashMap<>();
    locked.forEach(row -> available.put(row.getUUID("id"), row.getLong("available")));
    return available;
  }
}
