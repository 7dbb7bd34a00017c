package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Holds {@link ScalarParameters} to the library: for every parameter of a contract that it covers
 * and every value of a corpus (the schema's own boundaries included), a value it accepts is one the
 * library accepts too, as the same object. Services run it on their own contracts.
 */
public final class ScalarParametersAgreement {
  private static final List<String> CORPUS =
      List.of(
          "",
          "0",
          "-0",
          "1",
          "5",
          "50",
          "200",
          "201",
          "-1",
          "007",
          "+5",
          "1e2",
          "1.0",
          " 5",
          "5 ",
          "0x10",
          "2147483647",
          "2147483648",
          "999999999",
          "1000000000",
          "-999999999",
          "NaN",
          "Infinity",
          "true",
          "false",
          "null",
          "\"x\"",
          "[1]",
          "{}",
          "abc",
          "Ann",
          "A_b9",
          "_",
          "a b",
          "a-b",
          "a.b",
          "ü",
          "Ännä",
          "P",
          "PT5M",
          "PT0S",
          "P1D",
          "pt5m",
          "x".repeat(100),
          "x".repeat(101),
          "x".repeat(201));

  private ScalarParametersAgreement() {}

  /** Asserts the agreement; returns the covered parameters as {@code operationId.name}. */
  public static List<String> check(Vertx vertx, String contractPath) throws Exception {
    OpenAPIContract contract =
        OpenAPIContract.from(vertx, contractPath)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    ScalarParameters scalars = new ScalarParameters(contract);
    RequestValidatorImpl library = new RequestValidatorImpl(vertx, contract);
    List<String> covered = new ArrayList<>();
    int accepted = 0;
    for (Operation operation : contract.operations()) {
      for (Parameter parameter : operation.getParameters()) {
        if (!scalars.covers(parameter)) {
          continue;
        }
        String name = operation.getOperationId() + "." + parameter.getName();
        covered.add(name);
        for (String value : valuesFor(parameter)) {
          Optional<Object> fast = scalars.accept(parameter, value);
          if (fast.isEmpty()) {
            continue;
          }
          accepted++;
          String what = name + "=" + value;
          Object expected = libraryValue(library, parameter, value, what);
          assertThat(fast.get()).as(what).isEqualTo(expected);
          assertThat(fast.get().getClass()).as(what).isEqualTo(expected.getClass());
        }
      }
    }
    // A fast path that accepted nothing would agree with the library vacuously. (A parameter may
    // accept nothing here: one whose pattern needs a character outside \w is the library's.)
    assertThat(accepted).as(contractPath + ": values the fast path accepted").isPositive();
    return covered;
  }

  private static Object libraryValue(
      RequestValidatorImpl library, Parameter parameter, String value, String what) {
    try {
      RequestParameter validated =
          library.validateParameter(parameter, new RequestParameterImpl(value));
      return validated.get();
    } catch (ValidatorException e) {
      throw new AssertionError(what + " accepted, but the library refuses it: " + e.getMessage());
    }
  }

  /** The corpus and the schema's own edges: bounds ±1 and lengths ±1. */
  private static Set<String> valuesFor(Parameter parameter) {
    Set<String> values = new LinkedHashSet<>(CORPUS);
    JsonObject schema = (JsonObject) parameter.getSchema();
    for (String bound : List.of("minimum", "maximum")) {
      Integer n = schema.getInteger(bound);
      if (n != null) {
        values.addAll(List.of(Long.toString(n - 1L), Long.toString(n), Long.toString(n + 1L)));
      }
    }
    for (String bound : List.of("minLength", "maxLength")) {
      Integer n = schema.getInteger(bound);
      if (n != null) {
        for (int length : new int[] {n - 1, n, n + 1}) {
          if (length >= 0) {
            values.add("P" + "a".repeat(Math.max(0, length - 1)));
            values.add("a".repeat(length));
          }
        }
      }
    }
    return values;
  }
}
