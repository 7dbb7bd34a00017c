package dev.stockroom.common.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started service and its orderly stop: readiness turns 503 at once, requests keep being served
 * for the shutdown grace (so load balancers notice), then verticles are undeployed newest first
 * (the HTTP API drains its in-flight requests), then the pool and Vert.x close, all within {@link
 * #bound()}.
 */
public final class RunningService {
  private static final Logger log = LoggerFactory.getLogger(RunningService.class);

  private final String name;
  private final ServiceContext ctx;
  private final AtomicReference<Future<Void>> stopping = new AtomicReference<>();

  RunningService(String name, ServiceContext ctx) {
    this.name = name;
    this.ctx = ctx;
  }

  public String name() {
    return name;
  }

  public int port() {
    return ctx.config().httpPort();
  }

  public ServiceContext context() {
    return ctx;
  }

  /** Idempotent: every caller gets the same stop. */
  public Future<Void> stop() {
    Future<Void> existing = stopping.get();
    if (existing != null) {
      return existing;
    }
    Future<Void> stop = doStop();
    return stopping.compareAndSet(null, stop) ? stop : stopping.get();
  }

  private Future<Void> doStop() {
    log.info("{} stopping: readiness is now 503", name);
    ctx.health().beginDraining();
    ctx.topics().stop();
    long graceMs = ctx.config().shutdownGrace().toMillis();
    // Every step shares one deadline: a close that hangs (a consumer leaving its group in the
    // middle of a rebalance, a broker that is away) cannot keep the process from ending.
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(bound().toMillis() - 2000);
    Future<Void> grace =
        graceMs > 0
            ? ctx.vertx().timer(graceMs, TimeUnit.MILLISECONDS).mapEmpty()
            : Future.succeededFuture();
    Future<Void> undeployed = grace;
    for (String id : ctx.deploymentsNewestFirst()) {
      undeployed =
          undeployed.compose(
              v ->
                  within(deadline, ctx.vertx().undeploy(id))
                      .recover(
                          e -> {
                            log.warn("{}: undeploying {} failed: {}", name, id, e.toString());
                            return Future.succeededFuture();
                          }));
    }
    Promise<Void> stopped = Promise.promise();
    undeployed
        .compose(v -> within(deadline, ctx.pool().close()))
        .onComplete(
            (v, failure) -> {
              if (failure != null) {
                log.warn("{}: closing the pool failed: {}", name, failure.toString());
              }
              within(System.nanoTime() + TimeUnit.SECONDS.toNanos(2), ctx.vertx().close())
                  .onComplete(
                      (x, closeFailure) ->
                          ctx.tracing()
                              .close(
                                  () -> {
                                    log.info("{} stopped", name);
                                    stopped.complete();
                                  }));
            });
    return stopped.future();
  }

  /**
   * The longest a stop takes: the grace, the HTTP drain, and a few seconds for everything else. The
   * process ends by then whatever is still closing.
   */
  public Duration bound() {
    return ctx.config().shutdownGrace().plus(ctx.config().drainTimeout()).plusSeconds(5);
  }

  private static <T> Future<T> within(long deadlineNanos, Future<T> step) {
    long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    return step.timeout(left, TimeUnit.MILLISECONDS);
  }
}
