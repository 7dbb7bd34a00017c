package dev.stockroom.common.batch;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeoutException;

/**
 * A deadline on a future that answers on the caller's event loop. {@code Future.timeout} on a
 * future without a context (a {@link GroupCommit}'s answer, or a chain that began with {@code
 * Future.succeededFuture()}) fires on Netty's global executor thread: what the caller composes next
 * then runs there, off its event loop, and touches state confined to it (a group commit's queue).
 */
public final class OnThisContext {
  private OnThisContext() {}

  /**
   * {@code work}'s outcome, or a {@link TimeoutException} after {@code millis}; either way
   * delivered on the context that calls this (call it on an event loop).
   */
  public static <T> Future<T> within(Vertx vertx, Future<T> work, long millis) {
    Context here = vertx.getOrCreateContext();
    Promise<T> answer = Promise.promise();
    long timer =
        vertx.setTimer(
            Math.max(1, millis),
            id ->
                here.runOnContext(
                    v ->
                        answer.tryFail(new TimeoutException("not done within " + millis + " ms"))));
    work.onComplete(
        outcome ->
            here.runOnContext(
                v -> {
                  vertx.cancelTimer(timer);
                  if (outcome.succeeded()) {
                    answer.tryComplete(outcome.result());
                  } else {
                    answer.tryFail(outcome.cause());
                  }
                }));
    return answer.future();
  }
}
