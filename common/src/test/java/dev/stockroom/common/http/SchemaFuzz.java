package dev.stockroom.common.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Feeds a contract's request schemas, through the validators the platform uses at run time, with
 * thousands of generated values per schema: valid, nearly valid and plainly wrong. Every value must
 * get an answer, valid or invalid; a validator that throws would turn bad input into a 500 (it
 * found the schema library's crash on an empty email, see {@link FormatCrashes}).
 */
public final class SchemaFuzz {
  /** One request schema of an operation and what the generated values got. */
  public record Outcome(String where, int valid, int invalid, List<String> crashes) {}

  private static final String[] POOLS = {
    "0123456789",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "abcXYZ019._-:",
    "PTHMS0123456789.",
    "W/\"0123456789",
    "+0123456789 ()-",
    " \t\n!~\"é漢😀\u0000\\",
  };

  private final Random random;
  private boolean exact; // this value: aim for a valid one (no deliberate mistakes)

  private SchemaFuzz(long seed) {
    this.random = new Random(seed);
  }

  /** Every parameter and request body schema of the contract, {@code perSchema} values each. */
  public static List<Outcome> check(String contractPath, long seed, int perSchema) {
    Vertx vertx = Vertx.vertx();
    try {
      return check(
          new ValidatorCachingContract(OpenAPIContract.from(vertx, contractPath).await()),
          seed,
          perSchema);
    } finally {
      vertx.close().await();
    }
  }

  private static List<Outcome> check(OpenAPIContract contract, long seed, int perSchema) {
    SchemaRepository repository = contract.getSchemaRepository();
    SchemaFuzz fuzz = new SchemaFuzz(seed);
    List<Outcome> outcomes = new ArrayList<>();
    for (Operation operation : contract.operations()) {
      for (var p : operation.getParameters()) {
        String where = operation.getOperationId() + " parameter " + p.getName();
        outcomes.add(fuzz.check(where, repository, p.getSchema(), perSchema));
      }
      if (operation.getRequestBody() != null) {
        for (var media : operation.getRequestBody().getContent().entrySet()) {
          String where = operation.getOperationId() + " body " + media.getKey();
          outcomes.add(fuzz.check(where, repository, media.getValue().getSchema(), perSchema));
        }
      }
    }
    return outcomes;
  }

  private Outcome check(String where, SchemaRepository repository, JsonSchema schema, int n) {
    Validator validator = repository.validator(schema);
    JsonObject resolved = repository.resolve((JsonObject) schema);
    int valid = 0;
    int invalid = 0;
    List<String> crashes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      exact = random.nextBoolean();
      Object value = value(resolved, 0);
      try {
        if (validator.validate(value).getValid()) {
          valid++;
        } else {
          invalid++;
        }
      } catch (RuntimeException e) {
        if (crashes.size() < 5) {
          crashes.add(value + " -> " + e);
        }
      }
    }
    return new Outcome(where, valid, invalid, crashes);
  }

  /** A value for the schema: mostly of its shape, sometimes off by a little, sometimes wrong. */
  private Object value(Object schema, int depth) {
    if (!(schema instanceof JsonObject s) || (!exact && random.nextInt(12) == 0) || depth > 6) {
      return anything(depth);
    }
    if (s.containsKey("enum") && (exact || random.nextInt(5) > 0)) {
      JsonArray values = s.getJsonArray("enum");
      return values.getValue(random.nextInt(values.size()));
    }
    List<String> types = new ArrayList<>();
    Object type = s.getValue("type");
    if (type instanceof JsonArray a) {
      a.forEach(t -> types.add((String) t));
    } else if (type instanceof String t) {
      types.add(t);
    } else {
      types.add(s.containsKey("properties") ? "object" : "string");
    }
    return switch (types.get(random.nextInt(types.size()))) {
      case "string" -> string(s);
      case "integer" -> integer(s);
      case "number" -> random.nextBoolean() ? integer(s) : random.nextGaussian() * 1000;
      case "boolean" -> random.nextBoolean();
      case "array" -> array(s, depth);
      case "object" -> object(s, depth);
      default -> null;
    };
  }

  private Object string(JsonObject s) {
    String format = s.getString("format", "");
    if (!format.isEmpty() && random.nextInt(4) > 0) {
      return switch (format) {
        case "uuid" ->
            random.nextBoolean()
                ? UUID.randomUUID().toString()
                : UUID.randomUUID().toString().toUpperCase();
        case "date-time" ->
            random.nextBoolean()
                ? Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1000) * 1000)
                    .toString()
                : "2026-02-" + (20 + random.nextInt(15)) + "T25:61:00+01:00";
        case "email" ->
            exact || random.nextBoolean() ? "kim" + random.nextInt(99) + "@example.com" : "@@";
        default -> "x";
      };
    }
    int min = s.getInteger("minLength", 0);
    int max = Math.min(s.getInteger("maxLength", 70) + (exact ? 0 : 2), 220);
    String text = text(exact ? min : 0, max);
    if (s.containsKey("pattern") && (exact || random.nextBoolean())) {
      // Try harder to match: the fast path is only exercised by strings the pattern accepts.
      Pattern pattern = Pattern.compile(s.getString("pattern"));
      for (int attempt = 0; attempt < 400 && !pattern.matcher(text).find(); attempt++) {
        text = text(exact ? min : 0, attempt % 2 == 0 ? Math.min(max, min + 3) : max);
      }
    }
    return text;
  }

  private String text(int min, int max) {
    String pool = POOLS[random.nextInt(POOLS.length)];
    int length = min + random.nextInt(Math.max(1, max - min + 1));
    StringBuilder b = new StringBuilder();
    while (b.codePointCount(0, b.length()) < length) {
      b.appendCodePoint(pool.codePointAt(pool.offsetByCodePoints(0, random.nextInt(count(pool)))));
    }
    return b.toString();
  }

  private static int count(String pool) {
    return pool.codePointCount(0, pool.length());
  }

  private Object integer(JsonObject s) {
    long min = s.getNumber("minimum", -1_000_000).longValue();
    long max = s.getNumber("maximum", 1_000_000).longValue();
    if (exact) {
      return min + (long) (random.nextDouble() * (double) (max - min));
    }
    return switch (random.nextInt(9)) {
      case 0 -> min;
      case 1 -> max;
      case 2 -> min - 1;
      case 3 -> max + 1;
      case 4 -> (double) (min + (max - min) / 2);
      case 5 -> BigInteger.valueOf(max).multiply(BigInteger.TEN);
      case 6 -> Long.MAX_VALUE;
      case 7 -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, min + 1));
      default -> min + (long) (random.nextDouble() * (double) (max - min));
    };
  }

  private JsonArray array(JsonObject s, int depth) {
    int min = s.getInteger("minItems", 0);
    int max = Math.min(s.getInteger("maxItems", min + 4), min + 4);
    int size =
        exact
            ? min + random.nextInt(max - min + 1)
            : Math.max(0, min - 1 + random.nextInt(max - min + 3));
    JsonArray a = new JsonArray();
    for (int i = 0; i < size; i++) {
      a.add(value(s.getValue("items"), depth + 1));
    }
    return a;
  }

  private JsonObject object(JsonObject s, int depth) {
    JsonObject o = new JsonObject();
    JsonObject properties = s.getJsonObject("properties", new JsonObject());
    List<?> required = s.getJsonArray("required", new JsonArray()).getList();
    for (String name : properties.fieldNames()) {
      if (random.nextInt(20) < (required.contains(name) ? (exact ? 20 : 19) : 12)) {
        o.put(name, value(properties.getValue(name), depth + 1));
      }
    }
    if (!exact && random.nextInt(10) == 0) {
      o.put("unexpected" + random.nextInt(3), anything(depth + 1));
    }
    return o;
  }

  private Object anything(int depth) {
    return switch (random.nextInt(depth > 4 ? 6 : 8)) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextInt();
      case 3 -> random.nextLong();
      case 4 -> random.nextDouble();
      case 5 -> text(0, 20);
      case 6 -> new JsonObject().put("k", anything(depth + 1));
      default -> new JsonArray().add(anything(depth + 1));
    };
  }
}
