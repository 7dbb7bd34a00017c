package dev.stockroom.orders.saga;

import static java.util.stream.Collectors.joining;

import dev.stockroom.common.outbox.Outbox;
import dev.stockroom.common.outbox.OutboxEvent;
import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga's persistence. Every write is guarded by the lease holder and the step it read, so two
 * instances can never advance the same saga; a lost lease just means the step is redone by whoever
 * claims it next (the calls are idempotent).
 */
final class SagaStore {
  private static final Logger log = LoggerFactory.getLogger(SagaStore.class);

  /**
   * IS DISTINCT FROM rather than {@code <>}: a WHERE clause that implies the partial index
   * orders_due's predicate lets a generic plan (or stale statistics) read this one row through that
   * index, which holds every saga in flight: one claim then costs a scan of the whole backlog.
   */
  static final String CLAIM_ONE =
      "UPDATE orders SET lease_owner = $2, lease_until = now() + $3 * interval '1 millisecond'"
          + " WHERE id = $1 AND step IS DISTINCT FROM 'DONE' AND next_attempt_at <= now()"
          + " AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $2) RETURNING "
          + SagaOrder.COLUMNS;

  private static final String CLAIM_DUE =
      "UPDATE orders SET lease_owner = $1, lease_until = now() + $2 * interval '1 millisecond'"
          + " WHERE id IN (SELECT id FROM orders WHERE step <> 'DONE' AND next_attempt_at <= now()"
          + " AND (lease_until IS NULL OR lease_until < now()) ORDER BY next_attempt_at LIMIT $3"
          + " FOR UPDATE SKIP LOCKED) RETURNING "
          + SagaOrder.COLUMNS;
  private static final String GUARD = " WHERE id = $1 AND step = $2 AND lease_owner = $3";

  /**
   * Many sagas' next steps in one statement: $1 ids, $2 the steps read, $3 the next steps, $4 and
   * $5 the customer and lines learnt (JSON text, NULL: unchanged), $6 totals, $7 the lease owner.
   * Each row keeps its own guard; the rows returned are the sagas that moved.
   */
  static final String ADVANCE_ALL =
      "UPDATE orders o SET step = a.next, attempts = 0, updated_at = now(),"
          + " customer = coalesce(a.customer::jsonb, o.customer),"
          + " lines = coalesce(a.lines::jsonb, o.lines), total_cents = coalesce(a.total, o.total_cents)"
          + " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])"
          + "  AS a (id, step, next, customer, lines, total)"
          + " WHERE o.id = a.id AND o.step = a.step AND o.lease_owner = $7 RETURNING "
          + Arrays.stream(SagaOrder.COLUMNS.split(", ")).map(c -> "o." + c).collect(joining(", "));

  /** The outcome is known at once (REJECTED); giving back what was taken goes on until done. */
  private static final String COMPENSATE =
      "UPDATE orders SET step = 'COMPENSATE', status = 'REJECTED', rejection = $4, attempts = 0,"
          + " pending_reason = $5, updated_at = now()"
          + GUARD
          + " RETURNING "
          + SagaOrder.COLUMNS;

  private static final String RETRY =
      "UPDATE orders SET attempts = attempts + 1, next_attempt_at = now() + $4 * interval '1 millisecond',"
          + " lease_owner = NULL, lease_until = NULL, updated_at = now()"
          + GUARD;
  private static final String FINISH =
      "UPDATE orders SET status = $4, step = 'DONE', rejection = coalesce($5, rejection), lease_owner = NULL,"
          + " lease_until = NULL, updated_at = now()"
          + GUARD
          + " RETURNING id";

  /** FINISH and its event in one statement: one round trip instead of a transaction's four. */
  private static final String FINISH_WITH_EVENT = Outbox.afterWrite(FINISH, 5);

  private final Pool pool;
  private final String owner;
  private final Duration lease;
  private final GroupCommit<Advance, Optional<SagaOrder>> advances;

  /** A saga moving to its next step, with what the step learnt (null: nothing). */
  record Advance(
      SagaOrder order, Step next, JsonObject customer, JsonArray lines, Long totalCents) {}

  SagaStore(Pool pool, String owner, Duration lease, DistributionSummary advanceBatches) {
    this.pool = pool;
    this.owner = owner;
    this.lease = lease;
    this.advances = new GroupCommit<>(100, this::advanceAll, advanceBatches);
  }

  Future<Optional<SagaOrder>> claim(UUID id) {
    return pool.preparedQuery(CLAIM_ONE)
        .execute(Tuple.of(id, owner, lease.toMillis()))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(SagaOrder.from(rows.iterator().next())));
  }

  Future<List<SagaOrder>> claimDue(int max) {
    return pool.preparedQuery(CLAIM_DUE)
        .execute(Tuple.of(owner, lease.toMillis(), max))
        .map(
            rows -> {
              List<SagaOrder> claimed = new ArrayList<>();
              for (Row row : rows) {
                claimed.add(SagaOrder.from(row));
              }
              return claimed;
            });
  }

  /** The saga after the step, or empty when another instance holds it now. */
  Future<Optional<SagaOrder>> advance(Advance advance) {
    return advances.submit(advance);
  }

  private Future<List<Optional<SagaOrder>>> advanceAll(List<Advance> batch) {
    Tuple arrays =
        Tuple.tuple()
            .addArrayOfUUID(batch.stream().map(a -> a.order().id()).toArray(UUID[]::new))
            .addArrayOfString(
                batch.stream().map(a -> a.order().step().name()).toArray(String[]::new))
            .addArrayOfString(batch.stream().map(a -> a.next().name()).toArray(String[]::new))
            .addArrayOfString(batch.stream().map(a -> encoded(a.customer())).toArray(String[]::new))
            .addArrayOfString(batch.stream().map(a -> encoded(a.lines())).toArray(String[]::new))
            .addArrayOfLong(batch.stream().map(Advance::totalCents).toArray(Long[]::new))
            .addString(owner);
    return pool.preparedQuery(ADVANCE_ALL)
        .execute(arrays)
        .map(
            rows -> {
              Map<UUID, SagaOrder> moved = new HashMap<>();
              rows.forEach(row -> moved.put(row.getUUID("id"), SagaOrder.from(row)));
              return batch.stream()
                  .map(a -> Optional.ofNullable(moved.get(a.order().id())))
                  .toList();
            });
  }

  private static String encoded(Object json) {
    return json == null ? null : Json.encode(json);
  }

  /** Rejects the order and writes its event in one transaction; compensation follows. */
  Future<Optional<SagaOrder>> compensate(SagaOrder order, JsonObject rejection, OutboxEvent event) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(COMPENSATE)
                .execute(
                    Tuple.of(
                        order.id(),
                        order.step().name(),
                        owner,
                        rejection,
                        rejection.getString("reason")))
                .compose(
                    rows ->
                        rows.size() == 0
                            ? Future.succeededFuture(Optional.<SagaOrder>empty())
                            : Outbox.append(tx, event)
                                .map(Optional.of(SagaOrder.from(rows.iterator().next())))));
  }

  /** Compensation finished: nothing more to do for this order. */
  Future<Void> compensated(SagaOrder order) {
    return pool.preparedQuery(FINISH)
        .execute(Tuple.of(order.id(), order.step().name(), owner, "REJECTED", null))
        .map(rows -> leaseHeld(order, rows.rowCount()));
  }

  Future<Void> retryLater(SagaOrder order, Duration delay) {
    return pool.preparedQuery(RETRY)
        .execute(Tuple.of(order.id(), order.step().name(), owner, delay.toMillis()))
        .map(rows -> leaseHeld(order, rows.rowCount()));
  }

  /** A guarded write that matched nothing: another instance took the saga over; let it run. */
  private static Void leaseHeld(SagaOrder order, int rows) {
    if (rows == 0) {
      log.info(
          "order {} at step {} is no longer leased here; leaving it", order.id(), order.step());
    }
    return null;
  }

  /** Ends the saga and writes its event to the outbox, atomically. */
  Future<Boolean> finish(SagaOrder order, String status, JsonObject rejection, OutboxEvent event) {
    Tuple finish = Tuple.of(order.id(), order.step().name(), owner, status, rejection);
    return pool.preparedQuery(FINISH_WITH_EVENT)
        .execute(Outbox.withEvent(finish, event))
        .map(rows -> rows.rowCount() == 1);
  }
}
