package dev.stockroom.common.http;

import dev.stockroom.common.config.PlatformLayer;
import dev.stockroom.common.health.Health;
import dev.stockroom.common.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ValidatedRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds a service's router from its OpenAPI document: every operation validated against the
 * contract, authenticated with the bearer JWT, authorised by the operation's {@code x-roles}, with
 * the platform routes (health, metrics, the document itself) and ONE problem+json failure handler.
 * A service supplies only its handlers by operationId; an operation without a handler stops the
 * start instead of answering 503 at run time.
 */
public final class HttpApi {
  private static final List<Integer> ERROR_CODES =
      List.of(400, 401, 403, 404, 405, 406, 408, 409, 412, 413, 415, 422, 500, 501, 503);

  private HttpApi() {}

  /** The platform pieces a service's HTTP verticle needs. */
  public record Platform(
      Vertx vertx,
      String contractPath,
      String contractText,
      io.vertx.ext.auth.jwt.JWTAuth auth,
      long bodyLimitBytes,
      int maxInFlight,
      java.time.Duration requestReadTimeout,
      Health health,
      Metrics metrics,
      ConnectionGuard connections,
      Set<PlatformLayer> layersOff) {}

  public static Future<Router> router(
      Platform platform, Map<String, Handler<RoutingContext>> handlersByOperationId) {
    return OpenAPIContract.from(platform.vertx(), platform.contractPath())
        .map(
            contract ->
                build(platform, new ValidatorCachingContract(contract), handlersByOperationId));
  }

  /**
   * The query decoded once, up front (the request keeps it): Netty's decoder throws on a broken
   * escape such as {@code %zz}, which surfaced from the contract's extraction as a 500.
   */
  private static void decodableQuery(RoutingContext ctx) {
    try {
      ctx.request().params();
    } catch (IllegalArgumentException e) {
      ctx.fail(Problem.badRequest("query", "The query string is not valid percent-encoding"));
      return;
    }
    ctx.next();
  }

  private static final RequestExtractor AS_SENT = new AsSentExtractor();

  private static Router build(
      Platform platform, OpenAPIContract contract, Map<String, Handler<RoutingContext>> handlers) {
    RequestExtractor authorizeThenExtract =
        (ctx, operation) ->
            Authorization.check(ctx, operation)
                .compose(v -> AS_SENT.extractValidatableRequest(ctx, operation));
    RouterBuilder builder = RouterBuilder.create(platform.vertx(), contract, authorizeThenExtract);
    RequestMeters meters =
        platform.layersOff().contains(PlatformLayer.METRICS)
            ? null
            : new RequestMeters(platform.metrics().registry());
    builder
        .rootHandler((PlatformHandler) HttpApi::headAsGet)
        .rootHandler(new RequestIds(meters))
        // Before anything that may answer early (a bad query, no token, overload): every answer
        // while draining moves its client off this instance.
        .rootHandler((PlatformHandler) ctx -> closeWhenDraining(ctx, platform.health()))
        .rootHandler((PlatformHandler) HttpApi::decodableQuery)
        .rootHandler(
            (PlatformHandler)
                ctx -> {
                  platform.connections().headArrived(ctx);
                  ctx.next();
                })
        .rootHandler(new RequestReadTimeout(platform.vertx(), platform.requestReadTimeout()))
        .rootHandler(
            new EarlyAuthentication(
                platform.auth(), platform.layersOff().contains(PlatformLayer.AUTH)))
        .rootHandler(
            (PlatformHandler)
                ctx -> {
                  platform.connections().authenticated(ctx);
                  ctx.next();
                })
        .rootHandler(new Admission(platform.maxInFlight()))
        .rootHandler((PlatformHandler) HttpApi::requireJsonBody)
        .rootHandler(BodyHandler.create(false).setBodyLimit(platform.bodyLimitBytes()));
    builder.security("bearerAuth").httpHandler(JWTAuthHandler.create(platform.auth()));
    Authorization.requireRolesDeclared(
        builder.getRoutes().stream().map(OpenAPIRoute::getOperation).toList());
    Authorization.requireCallersDeclared(
        builder.getRoutes().stream().map(OpenAPIRoute::getOperation).toList());
    ContractRules.require(contract.getRawContract());

    List<String> missing =
        builder.getRoutes().stream()
            .map(r -> r.getOperation().getOperationId())
            .filter(id -> !handlers.containsKey(id))
            .sorted()
            .toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("operations without a handler: " + missing);
    }
    InlineValidation validation =
        new InlineValidation(platform.vertx(), contract, authorizeThenExtract);
    boolean validate = !platform.layersOff().contains(PlatformLayer.VALIDATION);
    for (OpenAPIRoute route : builder.getRoutes()) {
      Operation operation = route.getOperation();
      Handler<RoutingContext> check =
          StorableText.refusedBefore(
              validate ? validation.handler(operation) : validation.unchecked(operation));
      route
          .setDoValidation(false)
          .addHandler(meters == null ? check : meters.routedThen(operation, check))
          .addHandler(handlers.get(operation.getOperationId()));
    }
    List<String> unknown =
        handlers.keySet().stream().filter(id -> builder.getRoute(id) == null).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalStateException("handlers for operations not in the contract: " + unknown);
    }

    Router router = builder.createRouter();
    PlatformRoutes.mountProbesAndMetrics(router, platform.health(), platform.metrics());
    router
        .get("/openapi.yaml")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/yaml")
                    .end(platform.contractText()));
    ApiDocs.mount(router, contract.getRawContract().getJsonObject("info").getString("title"));
    answerErrorsAsProblems(router);
    router.errorHandler(405, AllowedMethods.answering(router, new ProblemHandler()));
    return router;
  }

  /** Every failure and every error status of {@code router} answered as problem+json. */
  static void answerErrorsAsProblems(Router router) {
    ProblemHandler problems = new ProblemHandler();
    router.route().failureHandler(problems);
    ERROR_CODES.forEach(code -> router.errorHandler(code, problems));
  }

  /**
   * While draining, keep-alive clients are told to reconnect (to an instance that stays) and the
   * connection closes after this answer: once its last request is answered nothing is left on it
   * that the final shutdown could cut.
   */
  private static void closeWhenDraining(RoutingContext ctx, Health health) {
    if (health.isDraining()) {
      ctx.response().putHeader("Connection", "close");
      ctx.addEndHandler(written -> ctx.request().connection().close());
    }
    ctx.next();
  }

  /**
   * HEAD is GET without the body (RFC 9110 §9.3.2), which general-purpose clients and caches expect
   * of every GET resource. The request goes through the GET route whole (token, validation,
   * handler), and Vert.x leaves the body out of the answer to a HEAD request (and its length, which
   * RFC 9110 allows). First of the root handlers: a reroute runs them all again, so none has run
   * twice.
   */
  private static void headAsGet(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.HEAD) {
      ctx.reroute(HttpMethod.GET, ctx.request().uri());
      return;
    }
    ctx.next();
  }

  /**
   * Every Stockroom body is JSON, sent as is; anything else is refused before it is read. A body in
   * a content coding (gzip, br) would otherwise be read as if it were plain JSON. The media type is
   * case-insensitive (RFC 9110 §8.3.1) and the contract's validation compares it as written, so it
   * goes on in lower case.
   */
  private static void requireJsonBody(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!hasBody(request)) {
      ctx.next();
      return;
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType == null || !isJson(contentType)) {
      ctx.fail(415);
      return;
    }
    for (String coding : request.headers().getAll("Content-Encoding")) {
      for (String each : coding.split(",")) {
        if (!each.isBlank() && !each.trim().equalsIgnoreCase("identity")) {
          // RFC 9110 §12.5.3: say which codings are accepted.
          ctx.response().putHeader("Accept-Encoding", "identity");
          ctx.fail(
              Problem.of(
                  415,
                  "The request body must be sent without a content coding (no Content-Encoding,"
                      + " or identity): this service decodes none"));
          return;
        }
      }
    }
    String[] parts = contentType.split(";", 2);
    String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
    if (!parts[0].equals(mediaType)) {
      request
          .headers()
          .set("Content-Type", parts.length == 1 ? mediaType : mediaType + ";" + parts[1]);
    }
    ctx.next();
  }

  /** Whether an HTTP/1.1 head announces a body: a length other than 0, or chunks. */
  static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    return request.headers().contains("Transfer-Encoding")
        || (length != null && !"0".equals(length));
  }

  private static boolean isJson(String contentType) {
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return mediaType.equals("application/json") || mediaType.endsWith("+json");
  }

  /** The request as validated against the contract (typed parameters and body). */
  public static ValidatedRequest validated(RoutingContext ctx) {
    return ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }
}
