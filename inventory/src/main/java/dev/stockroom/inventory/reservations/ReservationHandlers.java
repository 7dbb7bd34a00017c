package dev.stockroom.inventory.reservations;

import dev.stockroom.common.http.Responses;
import dev.stockroom.common.service.ServiceContext;
import io.vertx.ext.web.RoutingContext;

/** HTTP handlers for reservations: the inventory side of the order saga. */
public final class ReservationHandlers {
  private final ReservationStore store;

  public ReservationHandlers(ServiceContext ctx) {
    this.store = new ReservationStore(ctx.pool());
  }

  public void reserve(RoutingContext ctx) {
    ReservationRequest request = ReservationRequest.from(ctx.body().asJsonObject());
    store
        .reserve(request)
        .onSuccess(
            outcome -> {
              Reservation reservation = outcome.reservation();
              if (outcome.created()) {
                Responses.created(
                    ctx, "/reservations/" + reservation.reservationId(), reservation.toJson());
              } else {
                Responses.ok(ctx, reservation.toJson());
              }
            })
        .onFailure(ctx::fail);
  }

  public void confirm(RoutingContext ctx) {
    store
        .confirm(ctx.pathParam("reservationId"))
        .onSuccess(reservation -> Responses.ok(ctx, reservation.toJson()))
        .onFailure(ctx::fail);
  }

  public void giveBack(RoutingContext ctx) {
    store
        .giveBack(ctx.pathParam("reservationId"))
        .onSuccess(reservation -> Responses.ok(ctx, reservation.toJson()))
        .onFailure(ctx::fail);
  }

  public void release(RoutingContext ctx) {
    store
        .release(ctx.pathParam("reservationId"))
        .onSuccess(v -> Responses.noContent(ctx))
        .onFailure(ctx::fail);
  }
}
