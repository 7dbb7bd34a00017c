package dev.stockroom.common.replica;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.UUID;

/**
 * People held back from the watermarks who have no copy to mark ({@code replica_held_back}): their
 * first change here was parked. A copy that has a row is held back by its partition instead ({@link
 * ReplicaSql#holdBack}); both keep a claim over the whole copy from vouching for it. A hold counts
 * only while its person has no copy ({@link ReplicaSql#heldBackBefore}): whatever writes the copy
 * (an event, a replay, the owner's answer, a pod of any version) ends it, with no statement on the
 * consumer's path; a reconciliation removes the holds it has seen past.
 */
final class UncopiedHolds {
  private static final String RELEASE_BEFORE =
      "DELETE FROM replica_held_back WHERE replica = $1 AND held_at < $2";

  private final String replica;
  private final String hold;

  UncopiedHolds(ReplicaSchema schema) {
    this.replica = schema.table();
    // The table name comes from the service's schema constant, never from a request.
    this.hold =
        "INSERT INTO replica_held_back (replica, id) SELECT $1, u.id FROM unnest($2::uuid[]) AS"
            + " u(id) WHERE NOT EXISTS (SELECT 1 FROM "
            + schema.table()
            + " r WHERE r.id = u.id) ON CONFLICT DO NOTHING";
  }

  /** Holds back those of {@code ids} that have no copy yet. */
  Future<Void> hold(SqlClient tx, Collection<UUID> ids) {
    return ids.isEmpty()
        ? Future.succeededFuture()
        : tx.preparedQuery(hold)
            .execute(Tuple.of(replica, (Object) ids.toArray(UUID[]::new)))
            .mapEmpty();
  }

  /**
   * Removes the holds taken before {@code start}, a reconciliation's: the pass read the owner after
   * them, and wrote each such person it found (or found none).
   */
  Future<Void> releaseBefore(SqlClient tx, OffsetDateTime start) {
    return tx.preparedQuery(RELEASE_BEFORE).execute(Tuple.of(replica, start)).mapEmpty();
  }
}
