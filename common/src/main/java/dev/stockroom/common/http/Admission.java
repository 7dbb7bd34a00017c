package dev.stockroom.common.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Load shedding: at most {@code limit} requests in flight per HTTP verticle instance; the next one
 * gets 503 with Retry-After at once. Without it an overload queues requests until the heap is gone;
 * with it the service keeps answering what it can. Health and metrics are never shed. One instance
 * per router, so the counter lives on one event loop and needs no atomics.
 */
final class Admission implements PlatformHandler {
  private final int limit;
  private int inFlight;

  Admission(int limit) {
    this.limit = limit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (PlatformRoutes.isProbe(ctx.normalizedPath())) {
      ctx.next();
      return;
    }
    if (inFlight >= limit) {
      ProblemHandler.OVERLOAD.refused(inFlight + " requests in flight on this event loop");
      ProblemHandler.send(ctx, Problem.overloaded());
      return;
    }
    inFlight++;
    ctx.addEndHandler(done -> inFlight--);
    ctx.next();
  }
}
