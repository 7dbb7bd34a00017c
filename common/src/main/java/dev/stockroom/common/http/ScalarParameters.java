package dev.stockroom.common.http;

import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Style;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Accepts the common, valid values of simple scalar parameters without the library's round: its
 * parameter transformer decodes every value as JSON and its schema validator interprets the schema
 * keyword by keyword, compiling a {@code pattern} anew each time (together 5 of the 17 µs the
 * platform spends on a report request before its query). A parameter qualifies when its schema is
 * an integer or a string with only bounds, lengths and a pattern; a value is accepted here only in
 * the forms where the library's transformer provably yields the same object (a canonical decimal
 * that fits an int; a string of word characters, which the library keeps as it is). Everything
 * else, and every value that fails a check, goes to the contract's own validators: a string
 * parameter's schema on its text as sent ({@link InlineValidation}), any other the library's round
 * ({@code ScalarParametersTest} holds this class to the library's results).
 */
final class ScalarParameters {
  private static final Set<String> KEYWORDS =
      Set.of(
          "type",
          "minimum",
          "maximum",
          "minLength",
          "maxLength",
          "pattern",
          "default",
          "description",
          "example",
          "title");
  private static final Pattern CANONICAL_INT = Pattern.compile("-?(?:0|[1-9][0-9]{0,8})");
  private static final Pattern WORD = Pattern.compile("\\w+");

  private final Map<Parameter, Check> checks = new IdentityHashMap<>();

  ScalarParameters(OpenAPIContract contract) {
    for (Operation operation : contract.operations()) {
      for (Parameter parameter : operation.getParameters()) {
        compile(parameter).ifPresent(check -> checks.put(parameter, check));
      }
    }
  }

  /** The parameter's value as the library would pass it, or empty: ask the library. */
  Optional<Object> accept(Parameter parameter, String raw) {
    Check check = checks.get(parameter);
    return check == null ? Optional.empty() : Optional.ofNullable(check.accept(raw));
  }

  boolean covers(Parameter parameter) {
    return checks.containsKey(parameter);
  }

  private static Optional<Check> compile(Parameter parameter) {
    boolean simpleStyle =
        parameter.getStyle() == Style.FORM || parameter.getStyle() == Style.SIMPLE;
    if (!simpleStyle || !(parameter.getSchema() instanceof JsonObject schema)) {
      return Optional.empty();
    }
    if (!KEYWORDS.containsAll(schema.fieldNames())) {
      return Optional.empty();
    }
    for (String bound : List.of("minimum", "maximum", "minLength", "maxLength")) {
      if (schema.containsKey(bound) && !(schema.getValue(bound) instanceof Integer)) {
        return Optional.empty(); // a fractional or a long bound: the library's to compare
      }
    }
    Integer min = schema.getInteger("minimum");
    Integer max = schema.getInteger("maximum");
    Integer minLength = schema.getInteger("minLength");
    Integer maxLength = schema.getInteger("maxLength");
    Object pattern = schema.getValue("pattern");
    return switch (schema.getValue("type") instanceof String type ? type : "") {
      case "integer" ->
          minLength == null && maxLength == null && pattern == null
              ? Optional.of(integer(min, max))
              : Optional.empty();
      case "string" ->
          min == null && max == null && (pattern == null || pattern instanceof String)
              ? Optional.of(string(minLength, maxLength, (String) pattern))
              : Optional.empty();
      default -> Optional.empty();
    };
  }

  private static Check integer(Integer min, Integer max) {
    return raw -> {
      if (!CANONICAL_INT.matcher(raw).matches()) {
        return null;
      }
      int value = Integer.parseInt(raw);
      boolean inRange = (min == null || value >= min) && (max == null || value <= max);
      return inRange ? value : null;
    };
  }

  private static Check string(Integer minLength, Integer maxLength, String pattern) {
    Pattern compiled = pattern == null ? null : Pattern.compile(pattern);
    return raw -> {
      if (!WORD.matcher(raw).matches()) {
        return null;
      }
      boolean fits =
          (minLength == null || raw.length() >= minLength)
              && (maxLength == null || raw.length() <= maxLength)
              && (compiled == null || compiled.matcher(raw).find());
      return fits ? raw : null;
    };
  }

  @FunctionalInterface
  private interface Check {
    /** The accepted value, or null when the library must decide. */
    Object accept(String raw);
  }
}
