package dev.stockroom.users.people;

import io.vertx.core.json.JsonObject;

/** A validated registration request. */
public record NewUser(String name, String email, String phone, long creditLimitCents) {
  static NewUser from(JsonObject body) {
    return new NewUser(
        body.getString("name").strip(),
        body.getString("email").strip(),
        body.getString("phone"),
        body.getLong("creditLimitCents", 0L));
  }
}
