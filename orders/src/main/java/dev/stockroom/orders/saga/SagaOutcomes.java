package dev.stockroom.orders.saga;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells the requests waiting in this process that an order's outcome is decided, wherever in the
 * process its saga ran (the request's own verticle, or the worker resuming a parked saga). Waiting
 * requests used to poll the database every 50 ms; under overload those polls filled the pool's wait
 * queue and turned slow sagas into refused requests. A saga decided by another instance is seen
 * when the wait runs out (the caller then reads the order once).
 */
public final class SagaOutcomes {
  private record Waiter(Context context, Promise<Void> decided, long timer) {}

  private final Vertx vertx;
  private final Map<UUID, List<Waiter>> waiting = new ConcurrentHashMap<>();

  public SagaOutcomes(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Completes when the order's outcome is decided here or after {@code timeoutMillis}, whichever
   * comes first; never fails. Call on an event loop, before the saga can decide.
   */
  public Future<Void> await(UUID orderId, long timeoutMillis) {
    if (timeoutMillis <= 0) {
      return Future.succeededFuture();
    }
    Context context = vertx.getOrCreateContext();
    Promise<Void> decided = Promise.promise();
    long timer = vertx.setTimer(timeoutMillis, t -> settle(orderId, decided));
    Waiter waiter = new Waiter(context, decided, timer);
    waiting.computeIfAbsent(orderId, id -> new CopyOnWriteArrayList<>()).add(waiter);
    return decided.future();
  }

  /** The saga has decided the order (confirmed or rejected). */
  void decided(UUID orderId) {
    List<Waiter> waiters = waiting.remove(orderId);
    if (waiters == null) {
      return;
    }
    for (Waiter w : waiters) {
      w.context()
          .runOnContext(
              v -> {
                vertx.cancelTimer(w.timer());
                w.decided().tryComplete();
              });
    }
  }

  private void settle(UUID orderId, Promise<Void> decided) {
    waiting.computeIfPresent(
        orderId,
        (id, waiters) -> {
          waiters.removeIf(w -> w.decided() == decided);
          return waiters.isEmpty() ? null : waiters;
        });
    decided.tryComplete();
  }
}
