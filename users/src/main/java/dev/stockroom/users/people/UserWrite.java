package dev.stockroom.users.people;

import io.vertx.core.json.JsonObject;

/**
 * A validated registration or change. For a change, absent fields keep their value; {@code phone}
 * may be present and null, which removes it.
 */
public record UserWrite(
    String name, String email, boolean phonePresent, String phone, long creditLimitCents) {

  static UserWrite registration(JsonObject body) {
    return new UserWrite(
        body.getString("name").strip(),
        body.getString("email").strip(),
        true,
        body.getString("phone"),
        body.getLong("creditLimitCents", 0L));
  }

  static UserWrite change(JsonObject body) {
    return new UserWrite(
        body.containsKey("name") ? body.getString("name").strip() : null,
        body.containsKey("email") ? body.getString("email").strip() : null,
        body.containsKey("phone"),
        body.getString("phone"),
        0L);
  }

  /** The user as it would be after this change (credit untouched). */
  User applyTo(User current) {
    return new User(
        current.id(),
        name != null ? name : current.name(),
        email != null ? email : current.email(),
        phonePresent ? phone : current.phone(),
        current.creditLimitCents(),
        current.availableCreditCents(),
        current.version(),
        current.updatedAt());
  }
}
