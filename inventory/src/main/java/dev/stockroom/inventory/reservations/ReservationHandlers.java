package dev.stockroom.inventory.reservations;

import dev.stockroom.common.http.BatchResults;
import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import dev.stockroom.common.service.ServiceContext;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** HTTP handlers for reservations: the inventory side of the order saga. */
public final class ReservationHandlers {
  private final ReservationStore store;
  private final ReservationBatches batches;

  public ReservationHandlers(ServiceContext ctx) {
    this.store = new ReservationStore(ctx.pool());
    this.batches = new ReservationBatches(ctx.pool());
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
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void get(RoutingContext ctx) {
    String reservationId = ctx.pathParam("reservationId");
    store
        .find(reservationId)
        .onSuccess(
            reservation ->
                reservation.ifPresentOrElse(
                    found -> Responses.ok(ctx, found.toJson()),
                    () -> ctx.fail(Problem.notFound("Reservation " + reservationId))))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void confirm(RoutingContext ctx) {
    store
        .confirm(ctx.pathParam("reservationId"))
        .onSuccess(reservation -> Responses.ok(ctx, reservation.toJson()))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void giveBack(RoutingContext ctx) {
    store
        .giveBack(ctx.pathParam("reservationId"))
        .onSuccess(reservation -> Responses.ok(ctx, reservation.toJson()))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void release(RoutingContext ctx) {
    store
        .release(ctx.pathParam("reservationId"))
        .onSuccess(v -> Responses.noContent(ctx))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  /** Many reservations in one transaction, each answered as {@link #reserve} would answer it. */
  public void reserveBatch(RoutingContext ctx) {
    List<ReservationRequest> requests =
        ctx.body().asJsonObject().getJsonArray("reservations").stream()
            .map(r -> ReservationRequest.from((JsonObject) r))
            .toList();
    batches
        .reserve(requests)
        .onSuccess(
            items ->
                BatchResults.send(
                    ctx, items, 201, Reservation::toJson, ReservationHandlers::problem))
        .onFailure(ctx::fail);
  }

  /** Many confirmations in one transaction, each answered as {@link #confirm} would answer it. */
  public void confirmBatch(RoutingContext ctx) {
    List<String> ids =
        ctx.body().asJsonObject().getJsonArray("reservationIds").stream()
            .map(String.class::cast)
            .toList();
    batches
        .confirm(ids)
        .onSuccess(
            items ->
                BatchResults.send(
                    ctx, items, 200, Reservation::toJson, ReservationHandlers::problem))
        .onFailure(ctx::fail);
  }

  /** Every refusal of a reservation, as the contract answers it. */
  static Throwable problem(Throwable failure) {
    if (!(failure instanceof ReservationRefusal refusal)) {
      return failure;
    }
    return switch (refusal.reason()) {
      case UNKNOWN_SKUS -> Problem.refused(refusal, 404, "unknown-sku", "Unknown SKU");
      case INSUFFICIENT_STOCK ->
          Problem.refused(refusal, 409, "insufficient-stock", "Insufficient stock");
      case RESERVATION_ID_REUSED ->
          Problem.refused(refusal, 422, "reservation-id-reused", "Reservation id reused");
      case UNKNOWN_RESERVATION -> Problem.refused(refusal, 404);
      case CONFIRMED ->
          Problem.refused(refusal, 409, "reservation-confirmed", "Reservation confirmed");
      case RELEASED ->
          Problem.refused(refusal, 409, "reservation-released", "Reservation released");
      case EXPIRED -> Problem.refused(refusal, 409, "reservation-expired", "Reservation expired");
      case RETURNED ->
          Problem.refused(refusal, 409, "reservation-returned", "Reservation returned");
      case QUANTITY_LIMIT -> Problem.refused(refusal, 409, "quantity-limit", "Quantity limit");
    };
  }
}
