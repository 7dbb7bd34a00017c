package dev.stockroom.common.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Style;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Request validation on the event loop. vertx-openapi 5.0 hands every request's validation to a
 * worker thread (an ordered {@code executeBlocking}): a thread hop there and back per request for a
 * few microseconds of work, which cost the low-stock report a measurable share of its throughput.
 * This does the same checks, with the library's own validators, in place; the route's built-in
 * validation is switched off where this handler is installed.
 */
final class InlineValidation {
  private final RequestValidatorImpl validator;
  private final RequestExtractor extractor;
  private final ScalarParameters scalars;
  private final Map<Parameter, Validator> texts;

  InlineValidation(Vertx vertx, OpenAPIContract contract, RequestExtractor extractor) {
    this.validator = new RequestValidatorImpl(vertx, contract);
    this.extractor = extractor;
    this.scalars = new ScalarParameters(contract);
    this.texts = textParameters(contract);
  }

  /** Extracts, validates and stores the request as RouterBuilder's own handler would. */
  Handler<RoutingContext> handler(Operation operation) {
    return handler(operation, this::validate);
  }

  /**
   * A benchmark's price of validation: the request's parameters only converted to their declared
   * scalar types, its body parsed as JSON, nothing checked against the contract.
   */
  Handler<RoutingContext> unchecked(Operation operation) {
    return handler(operation, InlineValidation::convert);
  }

  private Handler<RoutingContext> handler(
      Operation operation, BiFunction<ValidatableRequest, Operation, ValidatedRequest> check) {
    return ctx ->
        extractor
            .extractValidatableRequest(ctx, operation)
            .map(request -> check.apply(request, operation))
            .onSuccess(
                validated -> {
                  ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
                  ctx.next();
                })
            .onFailure(
                e ->
                    ctx.fail(
                        e instanceof ValidatorException
                            ? new HttpException(400, e.getMessage(), e)
                            : e));
  }

  private static ValidatedRequest convert(ValidatableRequest request, Operation operation) {
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter p : operation.getParameters()) {
      switch (p.getIn()) {
        case PATH -> path.put(p.getName(), scalar(p, request.getPathParameters().get(p.getName())));
        case QUERY -> query.put(p.getName(), scalar(p, request.getQuery().get(p.getName())));
        default -> {}
      }
    }
    RequestParameter body = request.getBody();
    Object json = body == null || body.isNull() ? null : Json.decodeValue(body.getBuffer());
    return new ValidatedRequestImpl(
        Map.of(), request.getHeaders(), path, query, new RequestParameterImpl(json));
  }

  private static RequestParameter scalar(Parameter parameter, RequestParameter raw) {
    if (raw == null || raw.isNull()) {
      return new RequestParameterImpl(null);
    }
    String value = raw.get().toString();
    return new RequestParameterImpl(
        switch (parameter.getSchemaType()) {
          case INTEGER -> Long.valueOf(value);
          case NUMBER -> Double.valueOf(value);
          case BOOLEAN -> Boolean.valueOf(value);
          default -> value;
        });
  }

  /** The checks of {@code RequestValidatorImpl.validate}, without the detour via a worker. */
  ValidatedRequest validate(ValidatableRequest request, Operation operation) {
    Map<String, RequestParameter> cookies = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter p : operation.getParameters()) {
      String name = p.getName();
      switch (p.getIn()) {
        case COOKIE -> cookies.put(name, check(p, request.getCookies().get(name)));
        case HEADER -> headers.put(name, check(p, request.getHeaders().get(name)));
        case PATH -> path.put(name, check(p, request.getPathParameters().get(name)));
        case QUERY -> query.put(name, check(p, request.getQuery().get(name)));
      }
    }
    RequestParameter body = validator.validateBody(operation.getRequestBody(), request);
    return new ValidatedRequestImpl(cookies, headers, path, query, body);
  }

  /**
   * A parameter as the contract accepts it, refused when it holds U+0000: no schema here forbids
   * it, and PostgreSQL's text cannot hold it (a 500 from the query).
   */
  private RequestParameter check(Parameter parameter, RequestParameter value) {
    RequestParameter checked = checkAgainstContract(parameter, value);
    if (checked != null && checked.get() instanceof String text && text.indexOf('\u0000') >= 0) {
      String where = parameter.getIn().name().toLowerCase(java.util.Locale.ROOT);
      throw Problem.badRequest(
          where + " " + parameter.getName(),
          parameter.getName() + " may not contain the NUL character (U+0000)");
    }
    return checked;
  }

  private RequestParameter checkAgainstContract(Parameter parameter, RequestParameter value) {
    if (value != null && !value.isNull()) {
      String raw = String.valueOf(value.get());
      Optional<Object> accepted = scalars.accept(parameter, raw);
      if (accepted.isPresent()) {
        return new RequestParameterImpl(accepted.get());
      }
      Validator asText = texts.get(parameter);
      if (asText != null) {
        return text(parameter, asText, raw);
      }
    }
    return validator.validateParameter(parameter, value);
  }

  /**
   * A string parameter is the text the client sent, checked against its schema as it is. The
   * library's transformer reads every non-word value as JSON first: the key {@code "k"} became
   * {@code k}, {@code 100.0} a number refused as not a string, {@code \u0041} an {@code A}.
   */
  private static RequestParameter text(Parameter parameter, Validator schema, String raw) {
    OutputUnit result = schema.validate(raw);
    try {
      result.checkValidity();
    } catch (JsonSchemaValidationException e) {
      throw SchemaValidationException.createErrorFromOutputUnitType(parameter, result, e);
    }
    return new RequestParameterImpl(raw);
  }

  /** The string parameters of simple and form style, each with its schema's validator. */
  private static Map<Parameter, Validator> textParameters(OpenAPIContract contract) {
    Map<Parameter, Validator> texts = new IdentityHashMap<>();
    for (Operation operation : contract.operations()) {
      for (Parameter p : operation.getParameters()) {
        boolean scalarStyle = p.getStyle() == Style.FORM || p.getStyle() == Style.SIMPLE;
        if (scalarStyle && p.getSchemaType() == SchemaType.STRING) {
          texts.put(p, contract.getSchemaRepository().validator(p.getSchema()));
        }
      }
    }
    return texts;
  }
}
