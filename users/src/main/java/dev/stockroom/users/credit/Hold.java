package dev.stockroom.users.credit;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A commitment of part of a person's credit, until it is captured, released or expires. */
public record Hold(
    String holdId,
    UUID userId,
    long amountCents,
    int ttlSeconds,
    String status,
    OffsetDateTime expiresAt) {

  static final String COLUMNS = "hold_id, user_id, amount_cents, ttl_seconds, status, expires_at";

  static Hold from(Row row) {
    return new Hold(
        row.getString("hold_id"),
        row.getUUID("user_id"),
        row.getLong("amount_cents"),
        row.getInteger("ttl_seconds"),
        row.getString("status"),
        row.getOffsetDateTime("expires_at"));
  }

  /** Same request again? Then the answer is the same hold. */
  boolean sameRequestAs(UUID user, long amount, int ttl) {
    return user.equals(userId) && amountCents == amount && ttlSeconds == ttl;
  }

  /** Released before it was made: no user, nothing held (see HoldStore#release). */
  boolean releasedBeforeMade() {
    return userId == null;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("holdId", holdId)
        .put("userId", userId == null ? null : userId.toString())
        .put("amountCents", amountCents)
        .put("status", status)
        .put("expiresAt", expiresAt.toInstant().toString());
  }
}
