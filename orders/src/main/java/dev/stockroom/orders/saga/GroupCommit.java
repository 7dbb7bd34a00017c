package dev.stockroom.orders.saga;

import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Group commit for one step's participant call, as the outbox relay batches its sends: the first
 * order goes at once, and the orders that reach the step while that call is in flight go together
 * in the next one. An idle system pays no wait; a busy one pays one call and one transaction per
 * batch instead of per order. Confined to one event loop (one per saga engine), so it needs no
 * locks.
 */
final class GroupCommit {
  private record Waiting(SagaOrder order, Promise<Outcome> outcome) {}

  private final int maxBatch;
  private final Function<List<SagaOrder>, Future<List<Outcome>>> call;
  private final DistributionSummary sizes;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private boolean sending;

  GroupCommit(
      int maxBatch,
      Function<List<SagaOrder>, Future<List<Outcome>>> call,
      DistributionSummary sizes) {
    this.maxBatch = maxBatch;
    this.call = call;
    this.sizes = sizes;
  }

  /** This order's outcome of the step; never fails (a failed call is transient for each order). */
  Future<Outcome> submit(SagaOrder order) {
    Promise<Outcome> outcome = Promise.promise();
    waiting.add(new Waiting(order, outcome));
    if (!sending) {
      sendNext();
    }
    return outcome.future();
  }

  private void sendNext() {
    if (waiting.isEmpty()) {
      sending = false;
      return;
    }
    sending = true;
    List<Waiting> batch = new ArrayList<>(Math.min(waiting.size(), maxBatch));
    while (!waiting.isEmpty() && batch.size() < maxBatch) {
      batch.add(waiting.poll());
    }
    sizes.record(batch.size());
    Future<List<Outcome>> outcomes;
    try {
      outcomes = call.apply(batch.stream().map(Waiting::order).toList());
    } catch (RuntimeException e) {
      outcomes = Future.failedFuture(e);
    }
    outcomes.onComplete(
        (answers, failure) -> {
          for (int i = 0; i < batch.size(); i++) {
            batch
                .get(i)
                .outcome()
                .complete(
                    failure == null
                        ? answers.get(i)
                        : new Outcome.Transient("batch failed: " + failure.getMessage()));
          }
          sendNext();
        });
  }
}
