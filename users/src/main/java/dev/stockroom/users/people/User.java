package dev.stockroom.users.people;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A person as the owner knows them, with the credit still available to them. */
public record User(
    UUID id,
    Profile profile,
    long creditLimitCents,
    long availableCreditCents,
    long version,
    OffsetDateTime updatedAt) {

  static User from(Row row) {
    return new User(
        row.getUUID("id"),
        Profile.from(row),
        row.getLong("credit_limit_cents"),
        row.getLong("available_cents"),
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
        .put("version", version)
        .put("updatedAt", updatedAt.toInstant().toString());
  }
}
