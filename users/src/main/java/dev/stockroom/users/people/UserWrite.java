package dev.stockroom.users.people;

import io.vertx.core.json.JsonObject;

/**
 * A validated registration or change. For a change, absent fields keep their value; an optional
 * field may be present and null, which removes it.
 */
public record UserWrite(Profile given, long creditLimitCents) {

  static UserWrite registration(JsonObject body) {
    return new UserWrite(Profile.from(body, false), body.getLong("creditLimitCents", 0L));
  }

  static UserWrite change(JsonObject body) {
    return new UserWrite(Profile.from(body, true), 0L);
  }

  /** The user as it would be after this change (credit untouched). */
  User applyTo(User current) {
    return new User(
        current.id(),
        current.profile().with(given),
        current.creditLimitCents(),
        current.availableCreditCents(),
        current.capturedCreditCents(),
        current.heldCreditCents(),
        current.version(),
        current.updatedAt());
  }
}
