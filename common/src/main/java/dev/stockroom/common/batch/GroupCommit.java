package dev.stockroom.common.batch;

import dev.stockroom.common.tracing.TraceContexts;
import io.micrometer.core.instrument.DistributionSummary;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Group commit, as the outbox relay batches its sends: the first item goes at once, and the items
 * that arrive while that call is in flight go together in the next one. An idle system pays no
 * wait; a busy one pays one call (one round trip, one transaction) per batch instead of per item.
 * Confined to one event loop (make one per verticle instance), so it needs no locks.
 *
 * @param <I> what is asked for each item
 * @param <O> each item's answer; a failed call fails every item of its batch
 */
public final class GroupCommit<I, O> {
  /** An item, its answer, and the trace context it was submitted in. */
  private record Waiting<I, O>(I item, Promise<O> answer, Context trace) {}

  /** The largest batch unless a caller sets its own (a batch endpoint's contract, say). */
  public static final int MAX_BATCH = 100;

  private final int maxBatch;
  private final Function<List<I>, Future<List<O>>> call;
  private final DistributionSummary sizes;
  private final ArrayDeque<Waiting<I, O>> waiting = new ArrayDeque<>();
  private boolean sending;

  /** {@code call} answers one result per item, in order; batches of at most {@link #MAX_BATCH}. */
  public GroupCommit(Function<List<I>, Future<List<O>>> call, DistributionSummary sizes) {
    this(MAX_BATCH, call, sizes);
  }

  /** {@code call} answers one result per item, in order. */
  public GroupCommit(
      int maxBatch, Function<List<I>, Future<List<O>>> call, DistributionSummary sizes) {
    this.maxBatch = maxBatch;
    this.call = call;
    this.sizes = sizes;
  }

  public Future<O> submit(I item) {
    Promise<O> answer = Promise.promise();
    waiting.add(new Waiting<>(item, answer, TraceContexts.currentContext()));
    if (!sending) {
      sendNext();
    }
    return answer.future();
  }

  /**
   * For a {@code call} that reads or writes its batch in one statement: each item's answer, in the
   * batch's order, from what the statement {@code found} by key (empty: nothing for that item).
   */
  public static <I, K, V> List<Optional<V>> inOrder(
      List<I> batch, Function<I, K> key, Map<K, V> found) {
    return batch.stream().map(item -> Optional.ofNullable(found.get(key.apply(item)))).toList();
  }

  private void sendNext() {
    if (waiting.isEmpty()) {
      sending = false;
      return;
    }
    sending = true;
    List<Waiting<I, O>> batch = new ArrayList<>(Math.min(waiting.size(), maxBatch));
    while (!waiting.isEmpty() && batch.size() < maxBatch) {
      batch.add(waiting.poll());
    }
    sizes.record(batch.size());
    // Under the first item's trace: a batch sent when the one before it ended would otherwise
    // hang under that batch's first item, or under nothing.
    List<I> items = batch.stream().map(Waiting::item).toList();
    TraceContexts.within(batch.get(0).trace(), () -> call.apply(items))
        .onComplete(
            (all, failure) -> {
              for (int i = 0; i < batch.size(); i++) {
                if (failure == null) {
                  batch.get(i).answer().complete(all.get(i));
                } else {
                  batch.get(i).answer().fail(failure);
                }
              }
              sendNext();
            });
  }
}
