package dev.stockroom.common.replica;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The replica's SQL, generated once from the schema's table and field columns (configuration, never
 * input) and always executed as prepared statements with parameters.
 */
final class ReplicaSql {
  /** The partition of a copy held back from the watermarks: no Kafka partition has it. */
  static final int HELD_BACK = -1;

  /**
   * Applying an event: only a strictly newer version (or a repair of the same one) is written. Its
   * synced_at is the event's time on the owner's clock, like the watermarks: a row is known current
   * as of when the owner wrote it, not as of when it arrived here (a later change may be in
   * flight).
   */
  final String upsertEvent;

  /**
   * Writing back what the owner answered: current as of the owner's read, so synced_at moves on,
   * but a row whose values are the same and whose synced_at would move by less than {@link
   * ReplicaProjection#SYNCED_AT_SLACK} is left as it is (concurrent reads asking the owner for the
   * same people rewrote them, and their projections, on every request), unless it is held back: any
   * later answer of the owner's ends the hold. Returns the ids written.
   */
  final String upsertFetched;

  final String tombstone;

  /**
   * $1 ids: copies no watermark may vouch for (a change of theirs was parked). Their partition
   * becomes {@link #HELD_BACK}, which no watermark has, rather than NULL, which the owner's answers
   * also leave: a query over the whole copy must tell the two apart ({@link #heldBackBefore}). The
   * person's next applied event gives the partition back; the owner's answer written back, or a
   * reconciliation, vouches for the row itself and ends the hold (partition NULL).
   */
  final String holdBack;

  /**
   * $1 a time, $2 the replica: whether a held-back copy was last written before it, or a person
   * held back before they had a copy still has none ({@link UncopiedHolds}), so that the copy as a
   * whole cannot say it is current as of that time (the parked change may be the one a filter
   * needs).
   */
  final String heldBackBefore;

  final String lookup;
  final String watermark;

  /**
   * $1 the topic, $2 partitions this instance was given: a watermark row dated 1970 for each that
   * has none yet. A claim over the whole copy looks at every row, and a partition whose first
   * watermark has not been read (a new copy catching up, a partition added to the owner's topic)
   * must hold it back, not be left out of it.
   */
  final String expectWatermarks;

  final String watermarks;
  final String versions;
  final String liveVersions;
  final String markReconciled;
  final String removeUnreconciled;

  /** One {@link ReplicaProjection#refresh} per projection of the copy. */
  final List<String> refreshProjections;

  ReplicaSql(ReplicaSchema schema) {
    String t = schema.table();
    List<String> cols = schema.columns();
    int n = cols.size();
    String columns = String.join(", ", cols);
    String values =
        IntStream.rangeClosed(2, n + 1).mapToObj(i -> "$" + i).collect(Collectors.joining(", "));
    String sets = cols.stream().map(f -> f + " = EXCLUDED." + f).collect(Collectors.joining(", "));
    String mine = cols.stream().map(f -> t + "." + f).collect(Collectors.joining(", "));
    String theirs = cols.stream().map(f -> "EXCLUDED." + f).collect(Collectors.joining(", "));
    String insert =
        "INSERT INTO "
            + t
            + " (id, "
            + columns
            + ", version, deleted, synced_at, partition) VALUES ($1, "
            + values
            + ", $"
            + (n + 2)
            + ", $"
            + (n + 3)
            + ", $"
            + (n + 4)
            + ", $"
            + (n + 5)
            + ") ON CONFLICT (id) DO UPDATE SET "
            + sets
            + ", version = EXCLUDED.version, deleted = EXCLUDED.deleted, synced_at ="
            + " EXCLUDED.synced_at, applied_at = now(), partition = nullif(coalesce(EXCLUDED.partition, "
            + t
            + ".partition), "
            + HELD_BACK
            + ") WHERE ";
    String differs =
        "(" + mine + ", " + t + ".deleted) IS DISTINCT FROM (" + theirs + ", EXCLUDED.deleted)";
    String sameVersion = t + ".version = EXCLUDED.version";
    String newerOrRepaired =
        t + ".version < EXCLUDED.version OR (" + sameVersion + " AND " + differs + ")";
    // A row the owner's answer or a reconciliation wrote first has no partition: the same
    // version's event gives it one, or no watermark would ever vouch for it (a held-back row keeps
    // its hold: a later change of the person's is parked).
    upsertEvent =
        insert
            + newerOrRepaired
            + " OR ("
            + sameVersion
            + " AND "
            + t
            + ".partition IS NULL AND EXCLUDED.partition IS NOT NULL) RETURNING id";
    // Both the slack and the hold's end ask for the same version: an answer read while the
    // copy's newer version was still uncommitted at the owner is older, whatever its time.
    upsertFetched =
        insert
            + newerOrRepaired
            + " OR ("
            + sameVersion
            + " AND ("
            + t
            + ".synced_at < EXCLUDED.synced_at - interval '"
            + ReplicaProjection.SYNCED_AT_SLACK
            + "' OR "
            + t
            + ".partition = "
            + HELD_BACK
            + " AND "
            + t
            + ".synced_at < EXCLUDED.synced_at)) RETURNING id";
    tombstone =
        "UPDATE "
            + t
            + " SET "
            + cols.stream().map(f -> f + " = NULL").collect(Collectors.joining(", "))
            + ", deleted = true, applied_at = now() WHERE id = $1";
    holdBack = "UPDATE " + t + " SET partition = " + HELD_BACK + " WHERE id = ANY($1)";
    heldBackBefore =
        "SELECT EXISTS (SELECT 1 FROM "
            + t
            + " WHERE partition = "
            + HELD_BACK
            + " AND NOT deleted AND synced_at < $1) OR EXISTS (SELECT 1 FROM replica_held_back h"
            + " WHERE h.replica = $2 AND NOT EXISTS (SELECT 1 FROM "
            + t
            + " r WHERE r.id = h.id)) AS held_back";
    lookup =
        "SELECT r.id, "
            + cols.stream().map(f -> "r." + f).collect(Collectors.joining(", "))
            + ", r.version, r.deleted, "
            + schema.asOf("r", "w")
            + " AS as_of FROM "
            + t
            + " r LEFT JOIN replica_watermarks w ON w.topic = $2 AND w.partition = r.partition"
            + " WHERE r.id = ANY($1)";
    watermark =
        "INSERT INTO replica_watermarks (topic, partition, watermark) VALUES ($1, $2, $3)"
            + " ON CONFLICT (topic, partition) DO UPDATE SET watermark ="
            + " greatest(replica_watermarks.watermark, EXCLUDED.watermark), updated_at = now()";
    expectWatermarks =
        "INSERT INTO replica_watermarks (topic, partition, watermark) SELECT $1, p, 'epoch'"
            + " FROM unnest($2::int[]) AS p ON CONFLICT (topic, partition) DO NOTHING";
    watermarks = "SELECT partition, watermark FROM replica_watermarks WHERE topic = $1";
    versions = "SELECT id, version FROM " + t + " WHERE id = ANY($1)";
    liveVersions = versions + " AND NOT deleted";
    // A row the pass found equal to (or repaired from) the owner's answer, read after $2, is
    // current as of $2: this is what makes a backfill claim rows whose values did not change.
    markReconciled =
        "UPDATE "
            + t
            + " SET reconciled_at = $2, synced_at = greatest(synced_at, $3), partition ="
            + " nullif(partition, "
            + HELD_BACK
            + ") WHERE id = ANY($1)";
    // Only a row written here before the pass began ($1, this database's clock) can be one the
    // owner no longer has: a row written since may come from a transaction the owner committed
    // after the pass read its page, though its event (and synced_at) is older than that page.
    removeUnreconciled =
        "DELETE FROM "
            + t
            + " WHERE (reconciled_at IS NULL OR reconciled_at < $1) AND synced_at < $2"
            + " AND applied_at < $1 RETURNING id";
    refreshProjections = schema.projections().stream().map(p -> p.refresh(schema)).toList();
  }
}
