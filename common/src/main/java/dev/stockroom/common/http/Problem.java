package dev.stockroom.common.http;

import dev.stockroom.common.domain.Refusal;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An RFC 9457 problem, thrown or failed with from any handler and rendered by {@link
 * ProblemHandler}. Stack traces are never captured: a problem is an answer, not a crash.
 */
public final class Problem extends RuntimeException {
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://stockroom.dev/problems/";

  private final int status;
  private final String type;
  private final String title;
  private final List<FieldError> errors;
  private final JsonObject extensions;

  private Problem(
      int status,
      String type,
      String title,
      String detail,
      List<FieldError> errors,
      JsonObject extensions) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.extensions = extensions;
  }

  /** A problem whose type is just its status ({@code about:blank}). */
  public static Problem of(int status, String detail) {
    return new Problem(status, "about:blank", reason(status), detail, List.of(), new JsonObject());
  }

  /** A problem with a Stockroom type such as {@code insufficient-credit}. */
  public static Problem typed(int status, String slug, String title, String detail) {
    return new Problem(status, TYPE_BASE + slug, title, detail, List.of(), new JsonObject());
  }

  public static Problem badRequest(String detail, List<FieldError> errors) {
    return new Problem(
        400, TYPE_BASE + "validation", "Invalid request", detail, errors, new JsonObject());
  }

  public static Problem badRequest(String pointer, String detail) {
    return badRequest(detail, List.of(new FieldError(pointer, detail)));
  }

  /** Back-pressure: the service is at capacity; clients should retry shortly (Retry-After: 1). */
  public static Problem overloaded() {
    return typed(503, "overloaded", "Overloaded", "The service is at capacity; retry shortly")
        .with("retryAfterSeconds", 1);
  }

  /** The database cannot be reached right now: nothing was done, the request may be retried. */
  public static Problem databaseUnavailable() {
    return typed(
            503,
            "database-unavailable",
            "Database unavailable",
            "The service's database cannot be reached right now; retry shortly")
        .with("retryAfterSeconds", 1);
  }

  /**
   * A store's refusal as the handler decided to answer it: the refusal's detail and facts (as
   * members of the body) under the handler's status and type.
   */
  public static Problem refused(Refusal refusal, int status, String slug, String title) {
    Problem problem = typed(status, slug, title, refusal.getMessage());
    for (var fact : refusal.facts().entrySet()) {
      problem = problem.with(fact.getKey(), fact.getValue());
    }
    return problem;
  }

  /** A refusal whose status says it all ({@code about:blank}), e.g. a 404 for an unknown id. */
  public static Problem refused(Refusal refusal, int status) {
    return of(status, refusal.getMessage());
  }

  public static Problem notFound(String what) {
    return of(404, what + " was not found");
  }

  /** Adds a member to the problem body, e.g. the per-sku shortfall of a refused reservation. */
  public Problem with(String member, Object value) {
    JsonObject copy = extensions.copy().put(member, value);
    return new Problem(status, type, title, getMessage(), errors, copy);
  }

  public int status() {
    return status;
  }

  public JsonObject toJson(String instance, String requestId) {
    JsonObject json =
        new JsonObject()
            .put("type", type)
            .put("title", title)
            .put("status", status)
            .put("detail", getMessage());
    // RFC 9457: a URI reference when there is one (the codec's refusals have no route), never null.
    if (instance != null) {
      json.put("instance", instance);
    }
    if (!errors.isEmpty()) {
      json.put(
          "errors",
          new JsonArray(
              errors.stream()
                  .map(e -> new JsonObject().put("pointer", e.pointer()).put("detail", e.detail()))
                  .toList()));
    }
    extensions.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json.put("requestId", requestId);
  }

  static String reason(int status) {
    return HttpResponseStatus.valueOf(status).reasonPhrase();
  }

  /**
   * One invalid input: a JSON pointer into the body ({@code /email}) or a parameter name ({@code
   * query limit}).
   */
  public record FieldError(String pointer, String detail) {}
}
