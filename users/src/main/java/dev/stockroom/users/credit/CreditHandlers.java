package dev.stockroom.users.credit;

import dev.stockroom.common.http.BatchResults;
import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;

/** HTTP handlers for credit holds: the users side of the order saga. */
public final class CreditHandlers {
  private final HoldStore store;
  private final HoldBatches batches;

  public CreditHandlers(HoldStore store, HoldBatches batches) {
    this.store = store;
    this.batches = batches;
  }

  public void hold(RoutingContext ctx) {
    UUID userId = UUID.fromString(ctx.pathParam("id"));
    JsonObject body = ctx.body().asJsonObject();
    store
        .hold(
            body.getString("holdId"),
            userId,
            body.getLong("amountCents"),
            body.getInteger("ttlSeconds"))
        .onSuccess(
            outcome -> {
              if (outcome.created()) {
                Responses.created(
                    ctx, "/credit-holds/" + outcome.hold().holdId(), outcome.hold().toJson());
              } else {
                Responses.ok(ctx, outcome.hold().toJson());
              }
            })
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void get(RoutingContext ctx) {
    String holdId = ctx.pathParam("holdId");
    store
        .find(holdId)
        .onSuccess(
            hold ->
                hold.ifPresentOrElse(
                    found -> Responses.ok(ctx, found.toJson()),
                    () -> ctx.fail(Problem.notFound("Hold " + holdId))))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void capture(RoutingContext ctx) {
    store
        .capture(ctx.pathParam("holdId"))
        .onSuccess(hold -> Responses.ok(ctx, hold.toJson()))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void release(RoutingContext ctx) {
    store
        .release(ctx.pathParam("holdId"))
        .onSuccess(v -> Responses.noContent(ctx))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  /** Many holds in one transaction, each answered as {@link #hold} would answer it. */
  public void holdBatch(RoutingContext ctx) {
    List<HoldBatches.HoldRequest> requests =
        ctx.body().asJsonObject().getJsonArray("holds").stream()
            .map(JsonObject.class::cast)
            .map(
                h ->
                    new HoldBatches.HoldRequest(
                        h.getString("holdId"),
                        UUID.fromString(h.getString("userId")),
                        h.getLong("amountCents"),
                        h.getInteger("ttlSeconds")))
            .toList();
    batches
        .hold(requests)
        .onSuccess(
            items -> BatchResults.send(ctx, items, 201, Hold::toJson, CreditHandlers::problem))
        .onFailure(ctx::fail);
  }

  /** Many captures in one transaction, each answered as {@link #capture} would answer it. */
  public void captureBatch(RoutingContext ctx) {
    List<String> holdIds =
        ctx.body().asJsonObject().getJsonArray("holdIds").stream().map(String.class::cast).toList();
    batches
        .capture(holdIds)
        .onSuccess(
            items -> BatchResults.send(ctx, items, 200, Hold::toJson, CreditHandlers::problem))
        .onFailure(ctx::fail);
  }

  /** Every refusal of the credit side, as the contract answers it. */
  static Throwable problem(Throwable failure) {
    if (!(failure instanceof HoldRefusal refusal)) {
      return failure;
    }
    return switch (refusal.reason()) {
      case UNKNOWN_USER, UNKNOWN_HOLD -> Problem.refused(refusal, 404);
      case INSUFFICIENT_CREDIT ->
          Problem.refused(refusal, 422, "insufficient-credit", "Insufficient credit");
      case HOLD_ID_REUSED -> Problem.refused(refusal, 422, "hold-id-reused", "Hold id reused");
      case CHANGED_CONCURRENTLY -> Problem.refused(refusal, 409);
      case CAPTURED -> Problem.refused(refusal, 409, "hold-captured", "Hold captured");
      case RELEASED -> Problem.refused(refusal, 409, "hold-released", "Hold released");
      case EXPIRED -> Problem.refused(refusal, 409, "hold-expired", "Hold expired");
    };
  }
}
