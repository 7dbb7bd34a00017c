package dev.stockroom.common.replica;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one read API over copied data: per id, the copied fields and how fresh they are. Rows known
 * current within the budget (and, when the read carries a consistency token, at or past it) are
 * served locally; rows behind the token are waited for a little while the consumer catches up; all
 * the others of the read go to the owner in one batched call and are written back; if the owner
 * cannot answer, local rows are served flagged stale and unknown ids as the id alone. The owner
 * being down never fails a read.
 */
public final class Replica {
  private static final Logger log = LoggerFactory.getLogger(Replica.class);

  private final ReplicaStore store;
  private final OwnerClient owner;
  private final TokenWaits waits;
  private final List<String> fields;
  private final ReplicaProgress progress;

  /**
   * @param progress wakes reads waiting for a token; {@code null}: such reads go to the owner
   */
  public Replica(ReplicaStore store, OwnerClient owner, ReplicaProgress progress) {
    this.store = store;
    this.owner = owner;
    this.waits = new TokenWaits(store, progress);
    this.fields = store.schema().fields();
    this.progress = progress;
  }

  public ReplicaStore store() {
    return store;
  }

  private static final AppliedWatermarks.Snapshot NO_WATERMARKS =
      new AppliedWatermarks.Snapshot(new java.time.OffsetDateTime[0], null);

  /**
   * What a query reading these copies passes instead of joining their watermarks: take it before
   * the query ({@link AppliedWatermarks}). Without a progress listener, none: rows claim only their
   * own sync times.
   */
  public AppliedWatermarks.Snapshot watermarks() {
    return progress == null ? NO_WATERMARKS : progress.watermarks().snapshot();
  }

  public Future<Map<UUID, ReplicaEntry>> lookup(Collection<UUID> ids, Duration budget) {
    return lookup(ids, budget, Optional.empty());
  }

  public Future<Map<UUID, ReplicaEntry>> lookup(
      Collection<UUID> ids, Duration budget, Optional<ReadYourWrites> after) {
    return store.read(ids).compose(local -> resolve(ids, local, budget, after));
  }

  /**
   * Completes a read whose local rows were already loaded (e.g. joined into a report query): only
   * the ids not fresh enough go to the owner, in ONE call.
   */
  public Future<Map<UUID, ReplicaEntry>> resolve(
      Collection<UUID> ids, Map<UUID, LocalRow> local, Duration budget) {
    return resolve(ids, local, budget, Optional.empty());
  }

  public Future<Map<UUID, ReplicaEntry>> resolve(
      Collection<UUID> ids,
      Map<UUID, LocalRow> local,
      Duration budget,
      Optional<ReadYourWrites> after) {
    Instant now = Instant.now();
    Map<UUID, ReplicaEntry> answer = new HashMap<>();
    List<UUID> behind = new ArrayList<>();
    List<UUID> misses = new ArrayList<>();
    for (UUID id : ids) {
      LocalRow row = local.get(id);
      if (row == null || !Freshness.within(row.asOf(), budget, now)) {
        misses.add(id);
      } else if (after.isPresent() && !after.get().token().satisfiedBy(row.asOf())) {
        behind.add(id);
      } else {
        answer.put(id, fromReplica(row));
      }
    }
    if (behind.isEmpty() && misses.isEmpty()) {
      return Future.succeededFuture(answer);
    }
    Map<UUID, LocalRow> latest = new HashMap<>(local);
    Future<List<UUID>> stillBehind =
        behind.isEmpty()
            ? Future.succeededFuture(behind)
            : waits.rows(behind, after.get(), latest, answer);
    return stillBehind.compose(
        late -> {
          List<UUID> toOwner = new ArrayList<>(misses);
          toOwner.addAll(late);
          return fromOwner(toOwner, latest, answer)
              .compose(
                  asked ->
                      after.isEmpty()
                          ? Future.succeededFuture(asked)
                          : fromOwner(answeredBefore(after.get(), toOwner, asked), latest, asked));
        });
  }

  /**
   * Ids the owner answered as of before the token: a call already in flight when this read came
   * (another read's, which this one joined) may have read the person before the write.
   */
  private static List<UUID> answeredBefore(
      ReadYourWrites after, List<UUID> asked, Map<UUID, ReplicaEntry> answer) {
    List<UUID> again = new ArrayList<>();
    for (UUID id : asked) {
      ReplicaEntry entry = answer.get(id);
      if (entry != null
          && Freshness.OWNER.equals(entry.freshness().source())
          && !after.token().satisfiedBy(entry.freshness().asOf())) {
        again.add(id);
      }
    }
    return again;
  }

  /**
   * Waits, up to the read's bound, until the whole copy is at or past the token: what a query over
   * the whole copy needs, such as a filter on a copied field (a row behind the token may have been
   * left out, and no later lookup can tell). Answers whether the copy got there.
   */
  public Future<Boolean> caughtUp(ReadYourWrites after) {
    return waits.copy(after);
  }

  private Future<Map<UUID, ReplicaEntry>> fromOwner(
      List<UUID> ids, Map<UUID, LocalRow> local, Map<UUID, ReplicaEntry> answer) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(answer);
    }
    return owner
        .fetch(ids)
        .compose(fetched -> store.writeFetched(fetched).recover(this::writeBackFailed).map(fetched))
        .map(fetched -> owned(fetched, answer))
        .recover(failure -> Future.succeededFuture(stale(ids, local, answer, failure)));
  }

  /**
   * The ids as the local copy has them, current as of its rows' own sync time, never asking the
   * owner: what a read costs without freshness (a benchmark's {@code BENCH_LAYERS_OFF=freshness}).
   */
  public Map<UUID, ReplicaEntry> asCopied(Collection<UUID> ids, Map<UUID, LocalRow> local) {
    Map<UUID, ReplicaEntry> answer = new HashMap<>();
    for (UUID id : ids) {
      LocalRow row = local.get(id);
      answer.put(
          id,
          row == null
              ? new ReplicaEntry(id, null, new Freshness(Freshness.NONE, null, false))
              : fromReplica(row));
    }
    return answer;
  }

  static ReplicaEntry fromReplica(LocalRow row) {
    return new ReplicaEntry(
        row.id(), row.data(), new Freshness(Freshness.REPLICA, row.asOf(), false));
  }

  private Map<UUID, ReplicaEntry> owned(
      Map<UUID, OwnerAnswer> fetched, Map<UUID, ReplicaEntry> answer) {
    fetched.forEach(
        (id, found) ->
            answer.put(
                id,
                new ReplicaEntry(
                    id,
                    found.record() == null ? null : pick(found.record()),
                    new Freshness(Freshness.OWNER, found.asOf(), false))));
    return answer;
  }

  private static Map<UUID, ReplicaEntry> stale(
      List<UUID> misses,
      Map<UUID, LocalRow> local,
      Map<UUID, ReplicaEntry> answer,
      Throwable failure) {
    log.debug("owner unavailable, serving the local copy flagged stale: {}", failure.toString());
    for (UUID id : misses) {
      LocalRow row = local.get(id);
      answer.put(
          id,
          row == null
              ? new ReplicaEntry(id, null, new Freshness(Freshness.NONE, null, true))
              : new ReplicaEntry(
                  id, row.data(), new Freshness(Freshness.REPLICA, row.asOf(), true)));
    }
    return answer;
  }

  private Future<Void> writeBackFailed(Throwable e) {
    // The answer is still right; the copy just stays behind until the next event or read.
    log.warn("could not write the owner's answer back into the local copy: {}", e.toString());
    return Future.succeededFuture();
  }

  private JsonObject pick(JsonObject record) {
    JsonObject data = new JsonObject();
    fields.forEach(f -> data.put(f, record.getValue(f)));
    return data;
  }
}
