package dev.stockroom.common.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputErrorType;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.impl.Format;
import java.util.List;
import java.util.Optional;

/**
 * vertx-json-schema 5.0.7's format checks can throw instead of answering: an empty string checked
 * as an {@code email} reads its first character (still so upstream). Thrown inside validation, that
 * would be a 500 for what is plainly bad input. This finds the string whose format check throws and
 * answers what the check should have: that string does not match its format, at its place.
 */
final class FormatCrashes {
  private FormatCrashes() {}

  /** The validation failure for {@code value}, if a format check is what throws on it. */
  static Optional<OutputUnit> explain(Object schema, Object value) {
    return Optional.ofNullable(locate(schema, value, "#"))
        .map(
            at ->
                new OutputUnit(false)
                    .setErrorType(OutputErrorType.INVALID_VALUE)
                    .setErrors(
                        List.of(
                            new OutputUnit(
                                at.location(),
                                "#/format",
                                "/format",
                                "String does not match format \"" + at.format() + "\"",
                                OutputErrorType.INVALID_VALUE))));
  }

  private record Place(String location, String format) {}

  private static Place locate(Object schema, Object value, String at) {
    if (!(schema instanceof JsonObject s)) {
      return null;
    }
    if (value instanceof String string && s.getValue("format") instanceof String format) {
      try {
        Format.fastFormat(format, string);
      } catch (RuntimeException e) {
        return new Place(at, format);
      }
    }
    if (value instanceof JsonObject object) {
      JsonObject properties = s.getJsonObject("properties", new JsonObject());
      for (String name : object.fieldNames()) {
        Object sub =
            properties.containsKey(name)
                ? properties.getValue(name)
                : s.getValue("additionalProperties");
        Place found = locate(sub, object.getValue(name), at + "/" + pointerEscaped(name));
        if (found != null) {
          return found;
        }
      }
    }
    if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        Place found = locate(s.getValue("items"), array.getValue(i), at + "/" + i);
        if (found != null) {
          return found;
        }
      }
    }
    for (String composed : List.of("allOf", "anyOf", "oneOf")) {
      for (Object sub : s.getJsonArray(composed, new JsonArray())) {
        Place found = locate(sub, value, at);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static String pointerEscaped(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
