package dev.stockroom.common.http;

import dev.stockroom.common.db.DatabaseUnavailable;
import dev.stockroom.common.db.PoolExhausted;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: whatever went wrong (a {@link Problem}, an OpenAPI validation failure,
 * an authentication failure, an unknown route, an oversized body or a bug) leaves as RFC 9457
 * problem+json. A 500 carries the request id and nothing of the internals.
 */
public final class ProblemHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  static final OverloadLog OVERLOAD = new OverloadLog(10_000);
  private static final Pattern PARAMETER =
      Pattern.compile("(path|query|header|cookie) parameter ([A-Za-z0-9_.-]+)");

  @Override
  public void handle(RoutingContext ctx) {
    // A request without a token never gets here: EarlyAuthentication answers it first.
    Problem problem = emptyParameter(ctx, toProblem(ctx.failure(), ctx.statusCode()));
    if (problem.status() == 503) {
      OVERLOAD.refused(
          ctx.failure() == null ? "status 503" : String.valueOf(ctx.failure().getMessage()));
    } else if (problem.status() >= 500) {
      log.error(
          "{} {} failed [requestId={}]",
          ctx.request().method(),
          ctx.request().path(),
          RequestIds.of(ctx),
          ctx.failure());
    }
    send(ctx, problem);
  }

  public static void send(RoutingContext ctx, Problem problem) {
    if (ctx.response().headWritten()) {
      // Too late for a status line: the only honest thing left is to cut the connection.
      ctx.request().connection().close();
      return;
    }
    if (problem.status() == 503) {
      ctx.response().putHeader("Retry-After", "1");
    }
    if (problem.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"stockroom\"");
    }
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader("Content-Type", Problem.CONTENT_TYPE)
        .end(problem.toJson(ctx.request().path(), RequestIds.of(ctx)).encode());
  }

  static Problem toProblem(Throwable failure, int statusCode) {
    if (failure instanceof Problem problem) {
      return problem;
    }
    if (failure instanceof HttpException http && http.getCause() instanceof ValidatorException v) {
      return fromValidation(v);
    }
    if (failure instanceof ValidatorException v) {
      return fromValidation(v);
    }
    if (PoolExhausted.is(failure)) {
      // The database pool's bounded wait queue is full: back-pressure, not a bug.
      return Problem.overloaded();
    }
    if (DatabaseUnavailable.is(failure)) {
      return Problem.databaseUnavailable();
    }
    // Only a body that is not JSON is the client's fault here; bad parameters and bodies are the
    // contract's to refuse. Any other IllegalArgumentException (a UUID.fromString, an enum's
    // valueOf on stored data) is a bug: a 500 that echoes nothing.
    if (failure instanceof DecodeException) {
      return Problem.badRequest("/", "The request body is not valid JSON: " + failure.getMessage());
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : statusCode;
    return switch (status) {
      case 400 -> Problem.of(400, "The request is malformed");
      case 401 ->
          Problem.of(
              401,
              "A valid bearer token is required (Authorization: Bearer <JWT>): " + reason(failure));
      case 403 -> Problem.of(403, reason(failure));
      case 404 -> Problem.of(404, "No such resource");
      case 405 -> Problem.of(405, "This method is not allowed on this resource");
      case 413 -> Problem.of(413, "The request body is larger than this service accepts");
      case 415 -> Problem.of(415, "The request body must be application/json");
      case -1, 500 -> Problem.of(500, "Internal error; quote the requestId when reporting it");
      default ->
          status >= 400 && status < 600
              ? Problem.of(status, Problem.reason(status))
              : Problem.of(500, "Internal error; quote the requestId when reporting it");
    };
  }

  private static Problem fromValidation(ValidatorException e) {
    if (e.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT
        && e.getMessage().contains("body")) {
      return Problem.of(415, "The request body must be application/json");
    }
    if (e instanceof SchemaValidationException schema) {
      List<Problem.FieldError> errors = fieldErrors(schema.getOutputUnit(), parameterOf(e));
      return Problem.badRequest(summary(e.getMessage(), errors), errors);
    }
    return Problem.badRequest(e.getMessage(), List.of());
  }

  /**
   * The body's failure said field by field: the library's own sentence names one error of its
   * choosing, often a containing schema's ("does not match additional properties schema").
   */
  private static String summary(String message, List<Problem.FieldError> errors) {
    String body = "The value of the request body is invalid";
    if (message == null || !message.startsWith(body) || errors.isEmpty()) {
      return message;
    }
    StringBuilder said = new StringBuilder(body).append(": ");
    for (int i = 0; i < errors.size(); i++) {
      said.append(i == 0 ? "" : "; ")
          .append(errors.get(i).pointer())
          .append(" ")
          .append(errors.get(i).detail());
    }
    return said.toString();
  }

  private static final String BODY_MISSING = "The value of the request body is missing";

  /**
   * vertx-openapi 5.0 reports a query parameter sent empty ({@code ids=}) as "the value of the
   * request body is missing", naming nothing. A request without a body has no body to miss: the
   * problem names the query parameters it sent empty instead.
   */
  private static Problem emptyParameter(RoutingContext ctx, Problem problem) {
    Throwable failure = ctx.failure();
    Throwable cause = failure instanceof HttpException http ? http.getCause() : failure;
    String message = cause instanceof ValidatorException v ? String.valueOf(v.getMessage()) : "";
    // The library says this only of a parameter (a missing body is "does not contain the
    // required body"), whatever the method: POST /admin/dlq/replay?since= has none either.
    if (!message.startsWith(BODY_MISSING) || HttpApi.hasBody(ctx.request())) {
      return problem;
    }
    List<String> empty;
    try {
      empty =
          ctx.queryParams().entries().stream()
              .filter(e -> e.getValue().isEmpty())
              .map(Map.Entry::getKey)
              .distinct()
              .toList();
    } catch (RuntimeException undecodable) {
      return problem;
    }
    if (empty.isEmpty()) {
      return problem;
    }
    int reason = message.indexOf("Reason: ");
    return Problem.badRequest(
        "The value of query parameter "
            + String.join(", ", empty)
            + " is empty"
            + (reason < 0 ? "" : ". " + message.substring(reason)),
        empty.stream()
            .map(n -> new Problem.FieldError("query " + n, "must not be empty"))
            .toList());
  }

  /** "query maxStaleness" for a parameter's failure, so the pointer names what was wrong. */
  private static String parameterOf(ValidatorException e) {
    Matcher m = PARAMETER.matcher(String.valueOf(e.getMessage()));
    return m.find() ? m.group(1) + " " + m.group(2) : "/";
  }

  /**
   * One error per invalid field, at its JSON pointer (RFC 6901, not the schema library's URI
   * fragment), with the rule it broke. The library also reports every schema that contains the
   * failing one ("Property x does not match schema", "A subschema had errors", and "does not match
   * additional properties schema" for declared properties too): those stand only where nothing more
   * specific was said of the field.
   */
  static List<Problem.FieldError> fieldErrors(OutputUnit unit, String root) {
    if (unit == null || unit.getErrors() == null) {
      return List.of();
    }
    Map<String, List<String>> byField = new LinkedHashMap<>();
    for (OutputUnit e : unit.getErrors()) {
      String at = e.getInstanceLocation();
      // Inside a parameter, the pointer goes on from its name: "query ids/1".
      String pointer =
          at == null || at.isEmpty() || at.equals("#")
              ? root
              : (root.equals("/") ? "" : root)
                  + (at.startsWith("#") ? fromFragment(at.substring(1)) : at);
      byField.computeIfAbsent(pointer, k -> new ArrayList<>()).add(e.getError());
    }
    List<Problem.FieldError> errors = new ArrayList<>();
    byField.forEach(
        (pointer, details) -> {
          // An array or object reported only because something inside it failed: the inside
          // says it. One with a failure of its own (a required member missing) says that.
          String inside = pointer.endsWith("/") ? pointer : pointer + "/";
          boolean onlyContains =
              details.stream().allMatch(d -> GENERIC.matcher(d).matches())
                  && byField.keySet().stream().anyMatch(other -> other.startsWith(inside));
          // The body's root stays (what the library said of the whole); a parameter's only
          // when nothing inside it said more.
          if ((pointer.equals(root) && root.equals("/")) || !onlyContains) {
            errors.add(
                new Problem.FieldError(
                    pointer,
                    details.stream()
                        .filter(d -> !GENERIC.matcher(d).matches())
                        .findFirst()
                        .orElse(details.get(0))));
          }
        });
    return errors;
  }

  /** A URI fragment's percent-escapes undone: {@code /a%20b} is the member "a b". */
  private static String fromFragment(String fragment) {
    return java.net.URLDecoder.decode(
        fragment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static final Pattern GENERIC =
      Pattern.compile(
          "Property \".*\" does not match (additional properties )?schema|A subschema had errors.*"
              + "|Items did not match schema.*",
          Pattern.DOTALL);

  private static String reason(Throwable failure) {
    if (failure == null) {
      return "forbidden";
    }
    if (failure instanceof HttpException http && http.getPayload() != null) {
      return http.getPayload();
    }
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    return cause.getMessage() == null ? "forbidden" : cause.getMessage();
  }
}
