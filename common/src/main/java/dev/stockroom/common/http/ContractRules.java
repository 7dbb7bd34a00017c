package dev.stockroom.common.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a contract must say for the JSON Schema library to check what it means; a service whose
 * contract breaks a rule does not start (as with undeclared roles).
 *
 * <ul>
 *   <li>The library's {@code format: uuid} also accepts {@code urn:uuid:…} and a trailing newline,
 *       neither of which {@link java.util.UUID#fromString} parses: a value the contract let through
 *       would fail in the handler as a 500. Every uuid is bounded to its 36 characters ({@code
 *       maxLength: 36}).
 *   <li>A {@code pattern} is matched with Java's regex, where {@code $} also matches before a final
 *       line terminator ({@code \n}, {@code \r}, {@code \r\n}, U+0085, U+2028, U+2029): {@code
 *       ^[A-Z]{2}$} let {@code "US\n"} in, and {@code (?!\n)$} still let {@code "NL-1\r"} in (an
 *       item created whose {@code Location} header could not be sent). A pattern anchored at its
 *       end says {@code (?![\s\S])}: no character follows, in Java and in ECMA-262 (as OpenAPI
 *       reads it) alike; a {@code $} at a pattern's end is refused.
 * </ul>
 */
final class ContractRules {
  private ContractRules() {}

  static void require(JsonObject rawContract) {
    List<String> broken = new ArrayList<>();
    collect(
        rawContract,
        "",
        s ->
            "uuid".equals(s.getValue("format"))
                && !(s.getValue("maxLength") instanceof Number max && max.intValue() == 36),
        "format: uuid without maxLength: 36",
        broken);
    collect(
        rawContract,
        "",
        s -> s.getValue("pattern") instanceof String p && p.endsWith("$") && !p.endsWith("\\$"),
        "pattern ending in $ (Java's $ lets a final line terminator in; end it with (?![\\s\\S]))",
        broken);
    if (!broken.isEmpty()) {
      throw new IllegalStateException(
          "the contract says less than it means (see ContractRules): " + broken);
    }
  }

  private static void collect(
      Object node, String pointer, Predicate<JsonObject> breaks, String rule, List<String> broken) {
    if (node instanceof JsonObject object) {
      if (breaks.test(object)) {
        broken.add(rule + " at " + (pointer.isEmpty() ? "/" : pointer));
      }
      object.forEach(e -> collect(e.getValue(), pointer + "/" + e.getKey(), breaks, rule, broken));
    } else if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        collect(array.getValue(i), pointer + "/" + i, breaks, rule, broken);
      }
    }
  }
}
