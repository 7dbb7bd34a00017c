package dev.stockroom.common.http;

import dev.stockroom.common.auth.TokenRejection;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.impl.UserContextInternal;

/**
 * Authenticates from the headers before a request is admitted or its body read. Otherwise anyone
 * who can open connections holds every admission slot with slowly sent bodies, and authenticated
 * clients get 503. A request without a valid bearer token is answered 401 at once; if its body has
 * not arrived, it is never read and the connection is closed. The platform's own routes (health,
 * metrics, the contract) stay open. The user is set on the context, so the contract's JWT handler
 * does not verify the token a second time.
 */
final class EarlyAuthentication implements PlatformHandler {
  private final JWTAuth auth;
  private final boolean trustFirstCaller;

  /**
   * With auth switched off for a benchmark: the first caller verified, reused for every request.
   */
  private User firstCaller;

  EarlyAuthentication(JWTAuth auth, boolean trustFirstCaller) {
    this.auth = auth;
    this.trustFirstCaller = trustFirstCaller;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path;
    try {
      path = ctx.normalizedPath();
    } catch (IllegalArgumentException e) {
      // "/%zz": the client's mistake, not the service's; a 500 with its stack per request would
      // also let anyone fill the logs.
      ProblemHandler.send(ctx, Problem.of(400, "The request's path is not valid percent-encoding"));
      return;
    }
    if (PlatformRoutes.isPublic(path)) {
      ctx.next();
      return;
    }
    if (firstCaller != null) {
      ((UserContextInternal) ctx.userContext()).setUser(firstCaller);
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String token =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : "";
    if (token.isEmpty()) {
      refuse(
          ctx,
          header == null
              ? "the request has no Authorization header"
              : "the header carries no token");
      return;
    }
    auth.authenticate(new TokenCredentials(token))
        .onSuccess(
            user -> {
              if (trustFirstCaller) {
                firstCaller = user;
              }
              ((UserContextInternal) ctx.userContext()).setUser(user);
              ctx.next();
            })
        .onFailure(
            e -> refuse(ctx, "the token is not valid: " + TokenRejection.describe(e, token)));
  }

  private static void refuse(RoutingContext ctx, String reason) {
    if (!ctx.request().isEnded()) {
      ClosingConnections.afterAnswer(ctx);
    }
    ProblemHandler.send(
        ctx,
        Problem.of(
            401, "A valid bearer token is required (Authorization: Bearer <JWT>): " + reason));
  }
}
