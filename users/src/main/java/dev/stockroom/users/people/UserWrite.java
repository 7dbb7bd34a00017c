package dev.stockroom.users.people;

import io.vertx.core.json.JsonObject;
import java.text.Normalizer;

/**
 * A validated registration or change. For a change, absent fields keep their value; {@code phone}
 * may be present and null, which removes it.
 */
public record UserWrite(
    String name, String email, boolean phonePresent, String phone, long creditLimitCents) {

  static UserWrite registration(JsonObject body) {
    return new UserWrite(
        text(body.getString("name")),
        text(body.getString("email")),
        true,
        body.getString("phone"),
        body.getLong("creditLimitCents", 0L));
  }

  static UserWrite change(JsonObject body) {
    return new UserWrite(
        body.containsKey("name") ? text(body.getString("name")) : null,
        body.containsKey("email") ? text(body.getString("email")) : null,
        body.containsKey("phone"),
        body.getString("phone"),
        0L);
  }

  /**
   * One spelling per text: "é" typed as one code point or as "e" and a combining accent is the same
   * name, and the same email for the (case-insensitive) uniqueness check.
   */
  private static String text(String value) {
    return Normalizer.normalize(value.strip(), Normalizer.Form.NFC);
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
