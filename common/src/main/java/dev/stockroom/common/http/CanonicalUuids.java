package dev.stockroom.common.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON Schema library's {@code format: uuid} also accepts {@code urn:uuid:…} and a trailing
 * newline, neither of which {@link java.util.UUID#fromString} parses: a value the contract let
 * through would fail in the handler as a 500. A contract therefore bounds every uuid to its 36
 * characters ({@code maxLength: 36}), and a service whose contract forgets one does not start.
 */
final class CanonicalUuids {
  private CanonicalUuids() {}

  static void requireBounded(JsonObject rawContract) {
    List<String> unbounded = new ArrayList<>();
    collect(rawContract, "", unbounded);
    if (!unbounded.isEmpty()) {
      throw new IllegalStateException(
          "schemas with format: uuid need maxLength: 36 (the validator also takes urn:uuid: and a"
              + " trailing newline, which java.util.UUID refuses): "
              + unbounded);
    }
  }

  private static void collect(Object node, String pointer, List<String> unbounded) {
    if (node instanceof JsonObject object) {
      if ("uuid".equals(object.getValue("format"))
          && !(object.getValue("maxLength") instanceof Number max && max.intValue() == 36)) {
        unbounded.add(pointer.isEmpty() ? "/" : pointer);
      }
      object.forEach(e -> collect(e.getValue(), pointer + "/" + e.getKey(), unbounded));
    } else if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        collect(array.getValue(i), pointer + "/" + i, unbounded);
      }
    }
  }
}
