package dev.stockroom.common.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started service and its orderly stop: readiness turns 503 at once, requests keep being served
 * for the shutdown grace (so load balancers notice), then verticles are undeployed newest first
 * (the HTTP API drains its in-flight requests), then the pool and Vert.x close.
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
    long graceMs = ctx.config().shutdownGrace().toMillis();
    Future<Void> grace =
        graceMs > 0
            ? ctx.vertx().timer(graceMs, TimeUnit.MILLISECONDS).mapEmpty()
            : Future.succeededFuture();
    Future<Void> undeployed = grace;
    for (String id : ctx.deploymentsNewestFirst()) {
      undeployed =
          undeployed.compose(
              v ->
                  ctx.vertx()
                      .undeploy(id)
                      .recover(
                          e -> {
                            log.warn("{}: undeploying {} failed", name, id, e);
                            return Future.succeededFuture();
                          }));
    }
    Promise<Void> stopped = Promise.promise();
    undeployed
        .compose(v -> ctx.pool().close())
        .onComplete(
            (v, failure) -> {
              if (failure != null) {
                log.warn("{}: closing the pool failed: {}", name, failure.toString());
              }
              ctx.vertx()
                  .close()
                  .onComplete(
                      (x, closeFailure) -> {
                        log.info("{} stopped", name);
                        stopped.complete();
                      });
            });
    return stopped.future();
  }
}
