package dev.stockroom.common.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.impl.Format;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request schema compiled once into checks that answer one question fast: is this value
 * <em>certainly</em> valid? vertx-json-schema interprets the schema tree on every request (map
 * lookups per keyword, a location string per node, a {@code Pattern.compile} per string with a
 * pattern): in a profile, 15-17% of each service's CPU. This covers the keywords Stockroom's
 * contracts use, each with the library's own semantics (code points for lengths, {@code find()} for
 * patterns, its format checks); a schema with any other keyword is not compiled at all. Anything it
 * cannot vouch for (an unexpected number type, a failed check) it leaves to the library's
 * validator, which stays the only judge of invalid input and the author of every error message.
 */
final class CompiledSchema {
  /** True only when the value certainly satisfies the schema; false means "ask the library". */
  private interface Check {
    boolean accepts(Object value);
  }

  /** Keywords that only annotate, and so need no check. */
  private static final Set<String> ANNOTATIONS =
      Set.of(
          "description",
          "title",
          "default",
          "example",
          "examples",
          "deprecated",
          "readOnly",
          "writeOnly",
          "$comment",
          "$schema",
          "$id",
          "id");

  /** Formats the OpenAPI validator checks on numbers: not compiled, the library decides. */
  private static final Set<String> NUMBER_FORMATS = Set.of("int32", "int64", "float", "double");

  private static final double EXACT_LONG = 0x1p53; // beyond this a double comparison may round

  private final Check root;

  private CompiledSchema(Check root) {
    this.root = root;
  }

  /** The compiled schema, or empty when it uses a keyword this does not cover. */
  static Optional<CompiledSchema> compile(JsonObject resolvedSchema) {
    try {
      return Optional.of(new CompiledSchema(node(resolvedSchema)));
    } catch (Unsupported e) {
      return Optional.empty();
    }
  }

  boolean accepts(Object value) {
    return root.accepts(value);
  }

  private static final class Unsupported extends RuntimeException {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  private static Check node(Object schema) {
    if (Boolean.TRUE.equals(schema)) {
      return v -> true;
    }
    if (!(schema instanceof JsonObject s)) {
      throw new Unsupported(); // false schemas and anything odd: the library decides
    }
    List<Check> checks = new ArrayList<>();
    Set<String> types = null;
    for (String key : s.fieldNames()) {
      Object value = s.getValue(key);
      if (key.startsWith("__") || key.startsWith("x-") || ANNOTATIONS.contains(key)) {
        continue;
      }
      switch (key) {
        case "type" -> types = types(value);
        case "enum" -> checks.add(among(asArray(value)));
        case "const" -> checks.add(among(new JsonArray().add(value)));
        case "minLength" -> checks.add(string(v -> length(v) >= asInt(value)));
        case "maxLength" -> checks.add(string(v -> length(v) <= asInt(value)));
        case "pattern" -> {
          Pattern pattern = Pattern.compile(asString(value));
          checks.add(string(v -> pattern.matcher(v).find()));
        }
        case "format" -> {
          String format = asString(value);
          if (NUMBER_FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
            throw new Unsupported();
          }
          checks.add(v -> !(v instanceof Number) && (!(v instanceof String t) || fast(format, t)));
        }
        case "minimum" -> checks.add(number(value, c -> c >= 0));
        case "maximum" -> checks.add(number(value, c -> c <= 0));
        case "exclusiveMinimum" -> checks.add(number(value, c -> c > 0));
        case "exclusiveMaximum" -> checks.add(number(value, c -> c < 0));
        case "required" -> {
          List<String> required = asArray(value).stream().map(CompiledSchema::asString).toList();
          checks.add(object(o -> required.stream().allMatch(o::containsKey)));
        }
        case "minProperties" -> checks.add(object(o -> o.size() >= asInt(value)));
        case "maxProperties" -> checks.add(object(o -> o.size() <= asInt(value)));
        case "properties", "additionalProperties" -> {} // together, below
        case "items" -> {
          Check item = node(value);
          checks.add(array(a -> a.stream().allMatch(item::accepts)));
        }
        case "minItems" -> checks.add(array(a -> a.size() >= asInt(value)));
        case "maxItems" -> checks.add(array(a -> a.size() <= asInt(value)));
        default -> throw new Unsupported();
      }
    }
    if (s.containsKey("properties") || s.containsKey("additionalProperties")) {
      checks.add(properties(s));
    }
    Set<String> allowed = types;
    return v ->
        (allowed == null || typed(v, allowed)) && checks.stream().allMatch(c -> c.accepts(v));
  }

  private static Check properties(JsonObject s) {
    Map<String, Check> properties = new java.util.HashMap<>();
    JsonObject declared = s.getJsonObject("properties", new JsonObject());
    declared.fieldNames().forEach(name -> properties.put(name, node(declared.getValue(name))));
    Object additional = s.getValue("additionalProperties", true);
    Check others = Boolean.FALSE.equals(additional) ? v -> false : node(additional);
    return object(
        o -> {
          for (String name : o.fieldNames()) {
            Check check = properties.getOrDefault(name, others);
            if (!check.accepts(o.getValue(name))) {
              return false;
            }
          }
          return true;
        });
  }

  /** The library's own format check; one that throws (see FormatCrashes) vouches for nothing. */
  private static boolean fast(String format, String value) {
    try {
      return Format.fastFormat(format, value);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The library's length (its ucs2length): a surrogate pair counts once, as here. */
  private static int length(String value) {
    return value.codePointCount(0, value.length());
  }

  /**
   * Only the JSON types a value certainly has: a number type the library might read otherwise is
   * left to it.
   */
  private static boolean typed(Object v, Set<String> types) {
    if (v == null) {
      return types.contains("null");
    }
    if (v instanceof String) {
      return types.contains("string");
    }
    if (v instanceof Boolean) {
      return types.contains("boolean");
    }
    if (v instanceof Integer || v instanceof Long) {
      return types.contains("integer") || types.contains("number");
    }
    if (v instanceof Double d) {
      return types.contains("number") && Double.isFinite(d);
    }
    if (v instanceof JsonObject || v instanceof Map) {
      return types.contains("object");
    }
    if (v instanceof JsonArray || v instanceof List) {
      return types.contains("array");
    }
    return false;
  }

  private static Set<String> types(Object value) {
    Set<String> types = new HashSet<>();
    if (value instanceof JsonArray array) {
      array.forEach(t -> types.add(asString(t)));
    } else {
      types.add(asString(value));
    }
    return types;
  }

  /** Strings and booleans compared by equality; any other value is left to the library. */
  private static Check among(JsonArray values) {
    List<Object> allowed = new ArrayList<>();
    for (Object v : values) {
      if (!(v instanceof String || v instanceof Boolean)) {
        throw new Unsupported();
      }
      allowed.add(v);
    }
    return v -> allowed.contains(v);
  }

  private interface Comparison {
    boolean holds(int signum);
  }

  /**
   * A bound on numbers: whole numbers compared exactly, doubles only where a double is exact;
   * another number type is left to the library, and the bound does not apply to non-numbers.
   */
  private static Check number(Object bound, Comparison comparison) {
    if (!(bound instanceof Integer || bound instanceof Long || bound instanceof Double)) {
      throw new Unsupported();
    }
    Number limit = (Number) bound;
    return v -> {
      if (!(v instanceof Number n)) {
        return true;
      }
      if (n instanceof Double || limit instanceof Double) {
        double x = n.doubleValue();
        return (n instanceof Integer || n instanceof Long || n instanceof Double)
            && Math.abs(x) < EXACT_LONG
            && Math.abs(limit.doubleValue()) < EXACT_LONG
            && comparison.holds(Double.compare(x, limit.doubleValue()));
      }
      return (n instanceof Integer || n instanceof Long)
          && comparison.holds(Long.compare(n.longValue(), limit.longValue()));
    };
  }

  private interface StringCheck {
    boolean accepts(String value);
  }

  private static Check string(StringCheck check) {
    return v -> !(v instanceof String s) || check.accepts(s);
  }

  private interface ObjectCheck {
    boolean accepts(JsonObject value);
  }

  @SuppressWarnings("unchecked")
  private static Check object(ObjectCheck check) {
    return v -> {
      if (v instanceof JsonObject o) {
        return check.accepts(o);
      }
      return !(v instanceof Map) || check.accepts(new JsonObject((Map<String, Object>) v));
    };
  }

  private interface ArrayCheck {
    boolean accepts(List<Object> value);
  }

  @SuppressWarnings("unchecked")
  private static Check array(ArrayCheck check) {
    return v -> {
      if (v instanceof JsonArray a) {
        List<Object> items = new ArrayList<>(a.size());
        a.forEach(items::add); // JsonArray's iterator wraps nested maps and lists
        return check.accepts(items);
      }
      return !(v instanceof List) || array(check).accepts(new JsonArray((List<Object>) v));
    };
  }

  private static JsonArray asArray(Object value) {
    if (value instanceof JsonArray a) {
      return a;
    }
    throw new Unsupported();
  }

  private static String asString(Object value) {
    if (value instanceof String s) {
      return s;
    }
    throw new Unsupported();
  }

  private static int asInt(Object value) {
    if (value instanceof Integer i) {
      return i;
    }
    throw new Unsupported();
  }
}
