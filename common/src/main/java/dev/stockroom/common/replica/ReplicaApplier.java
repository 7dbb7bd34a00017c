package dev.stockroom.common.replica;

import dev.stockroom.common.replica.ReplicaEvent.Tombstone;
import dev.stockroom.common.replica.ReplicaEvent.Upsert;
import dev.stockroom.common.replica.ReplicaEvent.Watermark;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * How events become the local copy, shared by the consumer and the replay of parked records: first
 * the trust screen ({@link ReplicaTrust}), then one transaction of version-guarded upserts,
 * tombstones and watermarks, so applying an event twice changes nothing.
 */
final class ReplicaApplier {
  private final ReplicaStore store;
  private final ReplicaTrust trust;

  ReplicaApplier(ReplicaStore store, ReplicaSettings settings) {
    this.store = store;
    this.trust = new ReplicaTrust(settings.maxClockSkew(), settings.maxVersionJump());
  }

  /** The events as they will be applied, against the versions stored now. */
  Future<ReplicaTrust.Screened> screen(List<ReplicaEvent> events) {
    return stored(events, store::versions)
        .map(versions -> trust.screen(events, versions, Instant.now()));
  }

  /** {@code versions} of the people the events upsert (none asked when there are none). */
  static Future<Map<UUID, Long>> stored(
      List<ReplicaEvent> events, Function<List<UUID>, Future<Map<UUID, Long>>> versions) {
    List<UUID> ids =
        events.stream()
            .filter(Upsert.class::isInstance)
            .map(e -> ((Upsert) e).id())
            .distinct()
            .toList();
    return ids.isEmpty() ? Future.succeededFuture(Map.of()) : versions.apply(ids);
  }

  /** Whom an event writes; null for a watermark, which writes no one's row. */
  private static UUID person(ReplicaEvent event) {
    if (event instanceof Upsert u) {
      return u.id();
    }
    return event instanceof Tombstone t ? t.id() : null;
  }

  Future<Void> apply(SqlConnection tx, List<ReplicaEvent> events) {
    return apply(tx, events, Set.of());
  }

  /**
   * @param heldBack people whose latest record in the batch was parked: their copies lose their
   *     partition, so no later watermark vouches for a row that missed a change; they claim only
   *     their own synced_at until their next applied event (which brings the partition back), a
   *     reconciliation, or the owner's answer
   */
  Future<Void> apply(SqlConnection tx, List<ReplicaEvent> events, Set<UUID> heldBack) {
    List<Tuple> upserts = new ArrayList<>();
    List<Tuple> tombstones = new ArrayList<>();
    Map<Integer, Instant> watermarks = new HashMap<>();
    Set<UUID> written = new LinkedHashSet<>();
    // People in ReplicaStore.LOCK_ORDER (stable: one person's records keep their order), so that
    // a batch and a write-back of the same people wait for each other instead of deadlocking.
    List<ReplicaEvent> ordered = new ArrayList<>(events);
    ordered.sort(
        Comparator.comparing(
            ReplicaApplier::person, Comparator.nullsFirst(ReplicaStore.LOCK_ORDER)));
    for (ReplicaEvent event : ordered) {
      if (event instanceof Upsert u) {
        written.add(u.id());
        upserts.add(
            store.tuple(u.id(), u.data(), u.version(), u.deleted(), u.time(), u.partition()));
      } else if (event instanceof Tombstone t) {
        tombstones.add(Tuple.of(t.id()));
        written.add(t.id());
      } else if (event instanceof Watermark w) {
        watermarks.merge(w.partition(), w.at(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    // Issued at once, not one after another: PostgreSQL runs them in this order on the
    // transaction's connection (pipelined), so a batch waits for one round trip instead of one per
    // statement (six with a watermark and a projection), each a wait for a core on a busy machine.
    // A statement that fails aborts the transaction, and every statement after it fails with it.
    List<Future<?>> statements = new ArrayList<>();
    if (!upserts.isEmpty()) {
      statements.add(tx.preparedQuery(store.sql().upsertEvent).executeBatch(upserts));
    }
    if (!tombstones.isEmpty()) {
      statements.add(tx.preparedQuery(store.sql().tombstone).executeBatch(tombstones));
    }
    if (!heldBack.isEmpty()) {
      written.addAll(heldBack);
      statements.add(
          tx.preparedQuery(store.sql().holdBack)
              .execute(Tuple.of((Object) heldBack.toArray(UUID[]::new))));
      statements.add(store.uncopied().hold(tx, heldBack));
    }
    statements.add(store.project(tx, written));
    if (!watermarks.isEmpty()) {
      // A watermark goes to every partition at once: one batch.
      statements.add(store.applyWatermarks(tx, watermarks));
    }
    // Delivered at commit to every instance's ReplicaProgress: reads waiting for a token look
    // again.
    statements.add(ReplicaProgress.notify(tx, store.schema()));
    return Future.all(statements).mapEmpty();
  }
}
