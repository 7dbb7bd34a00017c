package dev.stockroom.users.people;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A person as the owner knows them, with the credit still available to them. */
public record User(
    UUID id,
    String name,
    String email,
    String phone,
    long creditLimitCents,
    long availableCreditCents,
    long version,
    OffsetDateTime updatedAt) {

  static User from(Row row) {
    return new User(
        row.getUUID("id"),
        row.getString("name"),
        row.getString("email"),
        row.getString("phone"),
        row.getLong("credit_limit_cents"),
        row.getLong("available_cents"),
        row.getLong("version"),
        row.getOffsetDateTime("updated_at"));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("name", name)
        .put("email", email)
        .put("phone", phone)
        .put("creditLimitCents", creditLimitCents)
        .put("availableCreditCents", availableCreditCents)
        .put("version", version)
        .put("updatedAt", updatedAt.toInstant().toString());
  }
}
