package dev.stockroom.common.auth;

import io.vertx.core.json.JsonObject;

/**
 * A claim named by a dotted path, as {@code JWT_ROLES_CLAIM} names the roles: {@code roles} at the
 * top, {@code realm_access.roles} inside an object (Keycloak). Read and written the same way.
 */
record ClaimPath(String path) {
  /** The value at the path in {@code claims}, or null. */
  Object in(JsonObject claims) {
    Object value = claims;
    for (String part : path.split("\\.")) {
      if (!(value instanceof JsonObject object)) {
        return null;
      }
      value = object.getValue(part);
    }
    return value;
  }

  /** Claims holding {@code value} at the path (nested objects as the path says). */
  JsonObject with(Object value) {
    String[] parts = path.split("\\.");
    JsonObject claims = new JsonObject();
    JsonObject at = claims;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject inner = new JsonObject();
      at.put(parts[i], inner);
      at = inner;
    }
    at.put(parts[parts.length - 1], value);
    return claims;
  }
}
