package dev.stockroom.common.http;

import dev.stockroom.common.service.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Serves a service's OpenAPI operations. Deploy one instance per core; they share the port. On
 * undeploy the server stops accepting connections and lets in-flight requests finish, up to the
 * drain timeout.
 */
public final class HttpApiVerticle extends VerticleBase {
  private static final long OVERLOAD_FLUSH_MS = 1_000;
  private final ServiceContext service;
  private final Supplier<Map<String, Handler<RoutingContext>>> routes;
  private HttpServer server;

  /**
   * @param routes the service's route table (operationId to handler), built per instance
   */
  public HttpApiVerticle(
      ServiceContext service, Supplier<Map<String, Handler<RoutingContext>>> routes) {
    this.service = service;
    this.routes = routes;
  }

  @Override
  public Future<?> start() {
    return HttpApi.router(service.http(), routes.get())
        .compose(
            router ->
                vertx
                    .createHttpServer(
                        new HttpServerOptions()
                            // In the options, not only in listen(): the transport tells the
                            // management server from this one by the options' port (AcceptLimit).
                            .setPort(service.config().httpPort())
                            .setCompressionSupported(true)
                            // Requests are answered on their event loop only, so a connection
                            // needs no queue for writes from other threads: that queue's first
                            // chunk alone was 4.7 KB of heap per connection (2026-12-06).
                            .setStrictThreadMode(true)
                            // No h2c: HTTP/1.1 only, so a connection is known (and guarded)
                            // from its first byte, not once a protocol was detected.
                            .setHttp2ClearTextEnabled(false)
                            .setIdleTimeout((int) ServiceContext.HTTP_IDLE_TIMEOUT.toSeconds())
                            .setMaxInitialLineLength(8192))
                    .connectionHandler(service.http().connections()::accept)
                    .invalidRequestHandler(InvalidRequests::answer)
                    .requestHandler(router)
                    .listen())
        .onSuccess(
            s -> {
              server = s;
              vertx.setPeriodic(OVERLOAD_FLUSH_MS, id -> ProblemHandler.OVERLOAD.flush());
            });
  }

  @Override
  public Future<?> stop() {
    if (server == null) {
      return Future.succeededFuture();
    }
    return server.shutdown(service.config().drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }
}
