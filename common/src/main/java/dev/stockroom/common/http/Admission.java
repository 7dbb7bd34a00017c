package dev.stockroom.common.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Load shedding: at most {@code limit} requests in flight per HTTP verticle instance; the next one
 * gets 503 with Retry-After at once. Without it an overload queues requests until the heap is gone;
 * with it the service keeps answering what it can. Health and metrics are never shed. One instance
 * per router, so the counter lives on one event loop and needs no atomics.
 *
 * <p>The limit is what the database pool can serve or queue, so a request that goes on to wait for
 * work done elsewhere (an order waiting for its saga's outcome) gives its place back with {@link
 * #leave}: counted, it turned orders away at two thirds of the saga's capacity.
 */
final class Admission implements PlatformHandler {
  private static final String PLACE = "stockroom.admission";

  private final int limit;
  private int inFlight;

  Admission(int limit) {
    this.limit = limit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (PlatformRoutes.isProbe(ctx.request().path())) {
      ctx.next();
      return;
    }
    if (inFlight >= limit) {
      ProblemHandler.OVERLOAD.refused(inFlight + " requests in flight on this event loop");
      ProblemHandler.send(ctx, Problem.overloaded());
      return;
    }
    inFlight++;
    Place place = new Place();
    ctx.put(PLACE, place);
    ctx.addEndHandler(done -> place.free());
    ctx.next();
  }

  /** Frees the request's place now (once; its end frees nothing more). On its event loop only. */
  static void leave(RoutingContext ctx) {
    Place place = ctx.get(PLACE);
    if (place != null) {
      place.free();
    }
  }

  /** One admitted request's place in the count. */
  private final class Place {
    private boolean held = true;

    void free() {
      if (held) {
        held = false;
        inFlight--;
      }
    }
  }
}
