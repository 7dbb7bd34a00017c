package dev.stockroom.common.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A deadline that answers on the caller's event loop")
class OnThisContextTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  /** Runs {@code within} on an event loop; answers the thread its outcome arrived on. */
  private CompletableFuture<String> outcomeThread(Future<String> work, long millis) {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<String> seen = new CompletableFuture<>();
    context.runOnContext(
        v ->
            OnThisContext.within(vertx, work, millis)
                .onComplete(
                    outcome ->
                        seen.complete(
                            Thread.currentThread().getName()
                                + (outcome.failed() && outcome.cause() instanceof TimeoutException
                                    ? " timeout"
                                    : " " + outcome.result()))));
    return seen;
  }

  @Test
  @DisplayName(
      "a future without a context, completed from a foreign thread: its outcome arrives on the"
          + " event loop")
  void completedElsewhere() throws Exception {
    Promise<String> work = Promise.promise();
    CompletableFuture<String> seen = outcomeThread(work.future(), 10_000);
    new Thread(() -> work.complete("done"), "foreign").start();
    assertThat(seen.get(5, TimeUnit.SECONDS)).startsWith("vert.x-eventloop").endsWith(" done");
  }

  @Test
  @DisplayName("one that never completes: the timeout arrives on the event loop too")
  void timedOut() throws Exception {
    Promise<String> never = Promise.promise();
    CompletableFuture<String> seen = outcomeThread(never.future(), 50);
    assertThat(seen.get(5, TimeUnit.SECONDS)).startsWith("vert.x-eventloop").endsWith(" timeout");
  }
}
