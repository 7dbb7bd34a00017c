package dev.stockroom.common.replica;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * How a read with a consistency token waits for the local copy: each time a batch is applied
 * anywhere ({@link ReplicaProgress}), it looks again, up to the read's bound. Each round takes its
 * place among the waiting reads before it looks, so a batch applied since the last look is seen at
 * once rather than at the end of the wait.
 */
final class TokenWaits {
  private final ReplicaStore store;
  private final ReplicaProgress progress;

  /**
   * @param progress {@code null}: reads never wait
   */
  TokenWaits(ReplicaStore store, ReplicaProgress progress) {
    this.store = store;
    this.progress = progress;
  }

  /**
   * Waits for the rows behind the token; those that get there go into {@code answer}, the latest
   * row seen of each into {@code latest}. Answers the ids still behind when the wait ends.
   */
  Future<List<UUID>> rows(
      List<UUID> behind,
      ReadYourWrites after,
      Map<UUID, LocalRow> latest,
      Map<UUID, ReplicaEntry> answer) {
    return rows(behind, after, latest, answer, System.nanoTime());
  }

  private Future<List<UUID>> rows(
      List<UUID> behind,
      ReadYourWrites after,
      Map<UUID, LocalRow> latest,
      Map<UUID, ReplicaEntry> answer,
      long startNanos) {
    Optional<ReplicaProgress.Wait> next = nextBatch(after, startNanos);
    if (next.isEmpty()) {
      return Future.succeededFuture(behind);
    }
    return store
        .read(behind)
        .onFailure(e -> next.get().cancel().run())
        .compose(
            found -> {
              List<UUID> still = new ArrayList<>();
              for (UUID id : behind) {
                LocalRow row = found.get(id);
                if (row != null) {
                  latest.put(id, row);
                }
                if (row != null && after.token().satisfiedBy(row.asOf())) {
                  answer.put(id, Replica.fromReplica(row));
                } else {
                  still.add(id);
                }
              }
              if (still.isEmpty()) {
                next.get().cancel().run();
                return Future.succeededFuture(still);
              }
              return next.get()
                  .woken()
                  .compose(v -> rows(still, after, latest, answer, startNanos));
            });
  }

  /**
   * Waits until every partition's watermark is at or past the token and no copy held back from them
   * (a change of theirs parked) was last written before it. Answers whether the copy got there; a
   * held-back copy answers no at once: what ends the hold (a replay, the owner's answer, a
   * reconciliation) is not a batch this wait could see.
   */
  Future<Boolean> copy(ReadYourWrites after) {
    return copy(after, System.nanoTime());
  }

  private Future<Boolean> copy(ReadYourWrites after, long startNanos) {
    Optional<ReplicaProgress.Wait> next = nextBatch(after, startNanos);
    return store
        .watermarks()
        .onFailure(e -> next.ifPresent(w -> w.cancel().run()))
        .compose(
            marks -> {
              boolean there =
                  !marks.isEmpty()
                      && marks.values().stream().allMatch(m -> after.token().satisfiedBy(m));
              if (there) {
                next.ifPresent(w -> w.cancel().run());
                return store.heldBackBefore(after.token().at()).map(heldBack -> !heldBack);
              }
              return next.map(w -> w.woken().compose(v -> copy(after, startNanos)))
                  .orElse(Future.succeededFuture(false));
            });
  }

  /** A place among the reads waiting for the next batch, within what is left of the read's wait. */
  private Optional<ReplicaProgress.Wait> nextBatch(ReadYourWrites after, long startNanos) {
    long left = after.maxWait().toMillis() - (System.nanoTime() - startNanos) / 1_000_000;
    return progress == null ? Optional.empty() : progress.next(left);
  }
}
