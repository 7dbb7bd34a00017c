package dev.stockroom.common.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.impl.RouterBuilderImpl;
import io.vertx.openapi.contract.Operation;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server's request meters, with the names and tags Vert.x gives them ({@code
 * vertx_http_server_requests_total} and {@code vertx_http_server_response_time_seconds}, by {@code
 * route}, {@code method} and {@code code}), recorded by the platform instead of Vert.x: Vert.x's
 * server metrics build tag lists and look up five meters for every request, a few microseconds of
 * the report's CPU in a profile. Here an operation holds its meters, one pair per status code it
 * has answered. One instance per HTTP verticle, so one event loop touches its maps.
 */
final class RequestMeters {
  private static final String KEY = "stockroom.routeMeters";
  private static final String REQUESTS = "vertx.http.server.requests";
  private static final String RESPONSE_TIME = "vertx.http.server.response.time";

  private final MeterRegistry registry;
  private final Map<String, ForRoute> byRoute = new HashMap<>();

  RequestMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * {@code next}, after marking the request as the operation's for {@link #record}; the route is
   * labelled with its path as Vert.x's router names it.
   */
  Handler<RoutingContext> routedThen(Operation operation, Handler<RoutingContext> next) {
    ForRoute route =
        forRoute(
            RouterBuilderImpl.toVertxWebPath(operation.getOpenAPIPath()),
            operation.getHttpMethod().name());
    return ctx -> {
      ctx.put(KEY, route);
      next.handle(ctx);
    };
  }

  /** Records an answered request: its operation's meters, else the last route that handled it. */
  void record(RoutingContext ctx, long nanos) {
    ForRoute route = ctx.get(KEY);
    if (route == null) {
      Route current = ctx.currentRoute();
      String name = current == null || current.getName() == null ? "" : current.getName();
      route = forRoute(name, methodLabel(ctx.request().method()));
    }
    route.record(ctx.response().getStatusCode(), nanos);
  }

  /**
   * RFC 9110's methods by name, any other as {@code OTHER}: a client may send any token as a
   * method, and a label per token would be meters without bound.
   */
  static String methodLabel(HttpMethod method) {
    return STANDARD_METHODS.contains(method) ? method.name() : "OTHER";
  }

  private static final Set<HttpMethod> STANDARD_METHODS =
      Set.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.POST,
          HttpMethod.PUT,
          HttpMethod.DELETE,
          HttpMethod.CONNECT,
          HttpMethod.OPTIONS,
          HttpMethod.TRACE,
          HttpMethod.PATCH);

  private ForRoute forRoute(String route, String method) {
    return byRoute.computeIfAbsent(method + ' ' + route, k -> new ForRoute(route, method));
  }

  /** One route and method: its meters per status code, registered when first answered. */
  final class ForRoute {
    private final String route;
    private final String method;
    private final Counter[] requests = new Counter[600];
    private final Timer[] times = new Timer[600];

    private ForRoute(String route, String method) {
      this.route = route;
      this.method = method;
    }

    void record(int status, long nanos) {
      int i = status >= 0 && status < requests.length ? status : 0;
      if (requests[i] == null) {
        String code = String.valueOf(status);
        requests[i] =
            Counter.builder(REQUESTS)
                .description("Number of processed requests")
                .tags("route", route, "method", method, "code", code)
                .register(registry);
        times[i] =
            Timer.builder(RESPONSE_TIME)
                .description("Request processing time")
                .tags("route", route, "method", method, "code", code)
                .register(registry);
      }
      requests[i].increment();
      times[i].record(nanos, TimeUnit.NANOSECONDS);
    }
  }
}
