package dev.stockroom.orders.saga;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/**
 * An order as the saga sees it: what was asked for, where the saga is, what it has so far, and the
 * lease it was claimed with ({@code lease}: the claiming engine's name and a token of that claim,
 * so a copy of the saga from an earlier claim, even by the same engine, cannot write).
 */
public record SagaOrder(
    UUID id,
    UUID customerId,
    Step step,
    JsonArray requestedLines,
    JsonArray lines,
    long totalCents,
    int attempts,
    Instant createdAt,
    Instant deadlineAt,
    String pendingReason,
    String pendingDetail,
    Instant consistentWith,
    String traceContext,
    String lease) {

  public static final String COLUMNS =
      "id, customer_id, step, requested_lines, lines, total_cents, attempts, created_at,"
          + " deadline_at, pending_reason, pending_detail, consistent_with, trace_context,"
          + " lease_owner";

  public static SagaOrder from(Row row) {
    return new SagaOrder(
        row.getUUID("id"),
        row.getUUID("customer_id"),
        Step.valueOf(row.getString("step")),
        row.getJsonArray("requested_lines"),
        row.getJsonArray("lines"),
        row.getLong("total_cents"),
        row.getInteger("attempts"),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("deadline_at").toInstant(),
        row.getString("pending_reason"),
        row.getString("pending_detail"),
        Optional.ofNullable(row.getOffsetDateTime("consistent_with"))
            .map(OffsetDateTime::toInstant)
            .orElse(null),
        row.getString("trace_context"),
        row.getString("lease_owner"));
  }

  /** This copy of the saga's claim, for the writes it guards: the saga as one claim read it. */
  String claim() {
    return id + "/" + lease;
  }

  /** Derived from the order, so a repeated call is the same call. */
  String reservationId() {
    return "order-" + id;
  }

  String holdId() {
    return "order-" + id;
  }

  boolean pastDeadline() {
    return Instant.now().isAfter(deadlineAt);
  }

  JsonObject reservationRequest(int ttlSeconds) {
    return new JsonObject()
        .put("reservationId", reservationId())
        .put("lines", requestedLines)
        .put("ttlSeconds", ttlSeconds);
  }
}
