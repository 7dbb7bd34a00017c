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
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one read API over copied data: per id, the copied fields and how fresh they are. Rows known
 * current within the budget are served locally; all the others of the read go to the owner in one
 * batched call and are written back; if the owner cannot answer, local rows are served flagged
 * stale and unknown ids as the id alone. The owner being down never fails a read.
 */
public final class Replica {
  private static final Logger log = LoggerFactory.getLogger(Replica.class);

  private final ReplicaStore store;
  private final OwnerClient owner;
  private final List<String> fields;

  public Replica(ReplicaStore store, OwnerClient owner) {
    this.store = store;
    this.owner = owner;
    this.fields = store.schema().fields();
  }

  public ReplicaStore store() {
    return store;
  }

  public Future<Map<UUID, ReplicaEntry>> lookup(Collection<UUID> ids, Duration budget) {
    return store.read(ids).compose(local -> resolve(ids, local, budget));
  }

  /**
   * Completes a read whose local rows were already loaded (e.g. joined into a report query): only
   * the ids not fresh enough go to the owner, in ONE call.
   */
  public Future<Map<UUID, ReplicaEntry>> resolve(
      Collection<UUID> ids, Map<UUID, LocalRow> local, Duration budget) {
    Instant now = Instant.now();
    Map<UUID, ReplicaEntry> answer = new HashMap<>();
    List<UUID> misses = new ArrayList<>();
    for (UUID id : ids) {
      LocalRow row = local.get(id);
      if (row != null && Freshness.within(row.asOf(), budget, now)) {
        answer.put(
            id,
            new ReplicaEntry(id, row.data(), new Freshness(Freshness.REPLICA, row.asOf(), false)));
      } else {
        misses.add(id);
      }
    }
    if (misses.isEmpty()) {
      return Future.succeededFuture(answer);
    }
    return owner
        .fetch(misses)
        .compose(
            fetched -> store.writeFetched(fetched).recover(e -> writeBackFailed(e)).map(fetched))
        .map(fetched -> fromOwner(fetched, answer))
        .recover(failure -> Future.succeededFuture(stale(misses, local, answer, failure)));
  }

  private Map<UUID, ReplicaEntry> fromOwner(
      Map<UUID, JsonObject> fetched, Map<UUID, ReplicaEntry> answer) {
    Instant now = Instant.now();
    fetched.forEach(
        (id, user) ->
            answer.put(
                id,
                new ReplicaEntry(
                    id,
                    user == null ? null : pick(user),
                    new Freshness(Freshness.OWNER, now, false))));
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

  private JsonObject pick(JsonObject user) {
    JsonObject data = new JsonObject();
    fields.forEach(f -> data.put(f, user.getValue(f)));
    return data;
  }
}
