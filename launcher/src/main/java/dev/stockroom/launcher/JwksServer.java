package dev.stockroom.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local identity provider's published keys: {@code GET /.well-known/jwks.json}, what Keycloak
 * or any OIDC provider serves, so the services run locally exactly as they do against one ({@code
 * JWT_JWKS_URL}). On a small Vert.x instance of its own, stopped after the services.
 */
final class JwksServer implements AutoCloseable {
  static final String PATH = "/.well-known/jwks.json";

  private final Vertx vertx;
  private final HttpServer server;

  private JwksServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** Blocking; {@code port} 0 (or a taken preferred port) means any free one. */
  static JwksServer start(JsonObject jwks, int port) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    String body = jwks.encode();
    try {
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(
                  req -> {
                    if (req.path().equals(PATH)) {
                      req.response().putHeader("Content-Type", "application/json").end(body);
                    } else {
                      req.response().setStatusCode(404).end();
                    }
                  })
              .listen(Ports.preferredOrAny(port), "localhost")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      return new JwksServer(vertx, server);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      vertx.close();
      throw new StartupException("the local JWKS did not start: " + e.getMessage(), e);
    }
  }

  String url() {
    return "http://localhost:" + server.actualPort() + PATH;
  }

  @Override
  public void close() {
    Infrastructure.closeQuietly(vertx);
  }
}
