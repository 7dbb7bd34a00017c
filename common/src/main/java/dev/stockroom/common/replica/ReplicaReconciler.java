package dev.stockroom.common.replica;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net under the event stream: pages through everything the owner has, repairs the local
 * rows that differ through the same version-guarded upsert, removes rows the owner no longer has,
 * and counts each fix in {@code replica_divergences_total}. A healthy pipeline makes it find
 * nothing.
 */
public final class ReplicaReconciler {
  private static final Logger log = LoggerFactory.getLogger(ReplicaReconciler.class);
  private static final int PAGE = 500;

  private final ReplicaStore store;
  private final OwnerClient owner;
  private final Counter divergences;

  public ReplicaReconciler(ReplicaStore store, OwnerClient owner, MeterRegistry registry) {
    this.store = store;
    this.owner = owner;
    this.divergences =
        Counter.builder("replica_divergences_total")
            .description("Local rows that reconciliation found different from the owner and fixed")
            .tag("replica", store.schema().table())
            .register(registry);
  }

  /** Runs once; answers {@code {checked, repaired, removed}}. */
  public Future<JsonObject> run() {
    JsonObject counts = new JsonObject().put("checked", 0).put("repaired", 0).put("removed", 0);
    // The database's clock, like replica_fields.since: a backfill pass must begin after it.
    return store
        .pool()
        .query("SELECT statement_timestamp() AS start")
        .execute()
        .map(rows -> rows.iterator().next().getOffsetDateTime("start"))
        .compose(start -> pass(start, counts));
  }

  private Future<JsonObject> pass(OffsetDateTime start, JsonObject counts) {
    // The owner's time for the pass's first page, on its clock like every row's synced_at: a row
    // synced after it (a person created meanwhile) is not one the pass has missed.
    AtomicReference<Instant> ownerStart = new AtomicReference<>();
    return page(null, start, counts, ownerStart)
        .compose(
            v ->
                store
                    .pool()
                    .withTransaction(
                        tx ->
                            tx.preparedQuery(store.sql().removeUnreconciled)
                                .execute(
                                    Tuple.of(
                                        start,
                                        (ownerStart.get() == null
                                                ? start.toInstant()
                                                : ownerStart.get())
                                            .atOffset(ZoneOffset.UTC)))
                                .compose(removed -> projectRemoved(tx, removed))
                                .compose(
                                    removed ->
                                        store.uncopied().releaseBefore(tx, start).map(removed))))
        .compose(
            removed -> ReplicaFields.backfilled(store.pool(), store.schema(), start).map(removed))
        .map(
            removed -> {
              counts.put("removed", removed);
              divergences.increment(counts.getInteger("repaired") + removed);
              log.info("replica {} reconciled: {}", store.schema().table(), counts.encode());
              return counts;
            });
  }

  private Future<Void> page(
      UUID after, OffsetDateTime start, JsonObject counts, AtomicReference<Instant> ownerStart) {
    return owner
        .page(after, PAGE)
        .compose(
            page -> {
              List<Tuple> rows = new ArrayList<>();
              List<UUID> ids = new ArrayList<>();
              // Current as of the owner's time for the page, on the owner's clock like every
              // token and watermark (this database's clock may run ahead of it); without one, the
              // pass's start.
              Instant synced = page.asOf() != null ? page.asOf() : start.toInstant();
              ownerStart.compareAndSet(null, synced);
              for (JsonObject record : page.records()) {
                UUID id = UUID.fromString(record.getString("id"));
                ids.add(id);
                rows.add(store.tuple(id, record, record.getLong("version"), false, synced, null));
              }
              counts.put("checked", counts.getInteger("checked") + page.records().size());
              Future<Void> repaired =
                  rows.isEmpty()
                      ? Future.succeededFuture()
                      : store
                          .pool()
                          .withTransaction(
                              tx ->
                                  repair(tx, rows, counts)
                                      .compose(
                                          v ->
                                              tx.preparedQuery(store.sql().markReconciled)
                                                  .execute(
                                                      Tuple.of(
                                                          ids.toArray(UUID[]::new),
                                                          start,
                                                          synced.atOffset(ZoneOffset.UTC))))
                                      .compose(v -> store.project(tx, ids)))
                          .mapEmpty();
              return repaired.compose(
                  v ->
                      page.next() == null
                          ? Future.succeededFuture()
                          : page(page.next(), start, counts, ownerStart));
            });
  }

  /** The rows removed, their projections emptied in the same transaction. */
  private Future<Integer> projectRemoved(SqlConnection tx, RowSet<Row> removed) {
    List<UUID> ids = new ArrayList<>();
    removed.forEach(row -> ids.add(row.getUUID("id")));
    return store.project(tx, ids).map(removed.rowCount());
  }

  private Future<Void> repair(SqlConnection tx, List<Tuple> rows, JsonObject counts) {
    Future<Void> chain = Future.succeededFuture();
    for (Tuple row : rows) {
      chain =
          chain.compose(
              v ->
                  tx.preparedQuery(store.sql().upsertEvent)
                      .execute(row)
                      .map(
                          result -> {
                            counts.put(
                                "repaired", counts.getInteger("repaired") + result.rowCount());
                            return null;
                          }));
    }
    return chain;
  }
}
