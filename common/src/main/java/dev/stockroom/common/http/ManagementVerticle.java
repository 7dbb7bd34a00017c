package dev.stockroom.common.http;

import dev.stockroom.common.health.Health;
import dev.stockroom.common.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The probes and metrics on a port of their own ({@code HTTP_MANAGEMENT_PORT}): outside the API's
 * connection bound and admission, so a kubelet's probe and Prometheus's scrape are answered while
 * the API port holds all the connections it may (there they wait in the accept queue with every
 * other client, and a liveness probe that waits long enough restarts a pod that is only busy). The
 * API port keeps serving the same routes. Deployed once and left up until Vert.x closes, so that
 * readiness answers 503 through a drain instead of refusing connections.
 */
public final class ManagementVerticle extends VerticleBase {
  private final int port;
  private final Health health;
  private final Metrics metrics;
  private HttpServer server;

  public ManagementVerticle(int port, Health health, Metrics metrics) {
    this.port = port;
    this.health = health;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    PlatformRoutes.mountProbesAndMetrics(router, health, metrics);
    HttpApi.answerErrorsAsProblems(router);
    return vertx
        .createHttpServer(
            new HttpServerOptions()
                // In the options: the transport exempts this server from the connection bound by
                // the options' port (AcceptLimit).
                .setPort(port)
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout(60)
                .setMaxInitialLineLength(1024))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
