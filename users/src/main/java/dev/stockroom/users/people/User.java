package dev.stockroom.users.people;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A person as the owner knows them, with their credit: available = limit - captured - held, where
 * held is what open holds (orders still being placed) have set aside.
 */
public record User(
    UUID id,
    Profile profile,
    long creditLimitCents,
    long availableCreditCents,
    long capturedCreditCents,
    long heldCreditCents,
    long version,
    OffsetDateTime updatedAt) {

  static User from(Row row) {
    return new User(
        row.getUUID("id"),
        Profile.from(row),
        row.getLong("credit_limit_cents"),
        row.getLong("available_cents"),
        row.getLong("captured_cents"),
        row.getLong("held_cents"),
        row.getLong("version"),
        row.getOffsetDateTime("updated_at"));
  }

  /** What users.v1 shares of a person: the profile, never credit (which is not copied). */
  JsonObject sharedState() {
    return profile
        .putInto(new JsonObject().put("id", id.toString()))
        .put("version", version)
        .put("updatedAt", updatedAt.toInstant().toString());
  }

  public JsonObject toJson() {
    return profile
        .putInto(new JsonObject().put("id", id.toString()))
        .put("creditLimitCents", creditLimitCents)
        .put("availableCreditCents", availableCreditCents)
        .put("capturedCreditCents", capturedCreditCents)
        .put("heldCreditCents", heldCreditCents)
        .put("version", version)
        .put("updatedAt", updatedAt.toInstant().toString());
  }
}
