package dev.stockroom.orders.saga;

import dev.stockroom.common.batch.GroupCommit;
import dev.stockroom.common.outbox.Outbox;
import dev.stockroom.common.outbox.OutboxEvent;
import dev.stockroom.common.tracing.TraceContexts;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga's persistence. Every write is guarded by the lease holder and the step it read, so two
 * instances can never advance the same saga; a lost lease just means the step is redone by whoever
 * claims it next (the calls are idempotent).
 */
final class SagaStore {
  private static final Logger log = LoggerFactory.getLogger(SagaStore.class);

  private final Pool pool;
  private final String owner;
  private final Duration lease;
  private final GroupCommit<Advance, Optional<SagaOrder>> advances;
  private final GroupCommit<Finish, Boolean> finishes;

  /** A saga moving to its next step, with what the step learnt (null: nothing). */
  record Advance(
      SagaOrder order, Step next, JsonObject customer, JsonArray lines, Long totalCents) {}

  /** A saga ending, its event, and the trace of the work that ended it. */
  record Finish(
      SagaOrder order, String status, JsonObject rejection, OutboxEvent event, String trace) {}

  SagaStore(
      Pool pool,
      String owner,
      Duration lease,
      DistributionSummary advanceBatches,
      DistributionSummary finishBatches) {
    this.pool = pool;
    this.owner = owner;
    this.lease = lease;
    this.advances = new GroupCommit<>(this::advanceAll, advanceBatches);
    this.finishes = new GroupCommit<>(this::finishAll, finishBatches);
  }

  Future<Optional<SagaOrder>> claim(UUID id) {
    return pool.preparedQuery(SagaSql.CLAIM_ONE)
        .execute(Tuple.of(id, owner, lease.toMillis()))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(SagaOrder.from(rows.iterator().next())));
  }

  Future<List<SagaOrder>> claimDue(int max) {
    return pool.preparedQuery(SagaSql.CLAIM_DUE)
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
            .addArrayOfString(batch.stream().map(a -> a.order().lease()).toArray(String[]::new))
            .addLong(lease.toMillis());
    return pool.preparedQuery(SagaSql.ADVANCE_ALL)
        .execute(arrays)
        .map(
            rows -> {
              // By claim: of two copies of one saga in a batch, only the current claim's moved.
              Map<String, SagaOrder> moved = new HashMap<>();
              rows.forEach(
                  row -> {
                    SagaOrder order = SagaOrder.from(row);
                    moved.put(order.claim(), order);
                  });
              return GroupCommit.inOrder(batch, a -> a.order().claim(), moved);
            });
  }

  private static String encoded(Object json) {
    return json == null ? null : Json.encode(json);
  }

  /** Rejects the order and writes its event in one transaction; compensation follows. */
  Future<Optional<SagaOrder>> compensate(SagaOrder order, JsonObject rejection, OutboxEvent event) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(SagaSql.COMPENSATE)
                .execute(
                    Tuple.of(
                        order.id(),
                        order.step().name(),
                        order.lease(),
                        rejection,
                        rejection.getString("reason"),
                        lease.toMillis()))
                .compose(
                    rows ->
                        rows.size() == 0
                            ? Future.succeededFuture(Optional.<SagaOrder>empty())
                            : Outbox.append(tx, event)
                                .map(Optional.of(SagaOrder.from(rows.iterator().next())))));
  }

  /** Compensation finished: nothing more to do for this order. */
  Future<Void> compensated(SagaOrder order) {
    return pool.preparedQuery(SagaSql.FINISH)
        .execute(Tuple.of(order.id(), order.step().name(), order.lease(), "REJECTED", null))
        .map(rows -> leaseHeld(order, rows.rowCount()));
  }

  Future<Void> retryLater(SagaOrder order, Duration delay) {
    return pool.preparedQuery(SagaSql.RETRY)
        .execute(Tuple.of(order.id(), order.step().name(), order.lease(), delay.toMillis()))
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

  /**
   * Ends the saga and writes its event to the outbox, atomically; false when another instance holds
   * the saga now.
   */
  Future<Boolean> finish(SagaOrder order, String status, JsonObject rejection, OutboxEvent event) {
    return finishes.submit(new Finish(order, status, rejection, event, TraceContexts.current()));
  }

  private Future<List<Boolean>> finishAll(List<Finish> submitted) {
    // One item per order: the events are joined to the written rows by order id, so two copies of
    // one saga would write two events for the one row the current claim finishes. A later copy is
    // answered "not held here"; if it was the current claim, its lease runs out and the worker
    // finishes the saga.
    Set<UUID> seen = new HashSet<>();
    List<Boolean> sent = submitted.stream().map(f -> seen.add(f.order().id())).toList();
    List<Finish> batch =
        IntStream.range(0, submitted.size()).filter(sent::get).mapToObj(submitted::get).toList();
    Tuple finish =
        Tuple.tuple()
            .addArrayOfUUID(batch.stream().map(f -> f.order().id()).toArray(UUID[]::new))
            .addArrayOfString(
                batch.stream().map(f -> f.order().step().name()).toArray(String[]::new))
            .addArrayOfString(batch.stream().map(Finish::status).toArray(String[]::new))
            .addArrayOfString(
                batch.stream().map(f -> encoded(f.rejection())).toArray(String[]::new))
            .addArrayOfString(batch.stream().map(f -> f.order().lease()).toArray(String[]::new));
    List<OutboxEvent> events = batch.stream().map(Finish::event).toList();
    List<String> traces = batch.stream().map(Finish::trace).toList();
    return pool.preparedQuery(SagaSql.FINISH_ALL)
        .execute(Outbox.withEvents(finish, events, traces))
        .map(
            rows -> {
              Set<String> finished = new HashSet<>();
              rows.forEach(row -> finished.add(row.getString("event_key")));
              // A duplicate left out of the statement finished nothing.
              return IntStream.range(0, submitted.size())
                  .mapToObj(
                      i ->
                          sent.get(i)
                              && finished.contains(submitted.get(i).order().id().toString()))
                  .toList();
            });
  }
}
