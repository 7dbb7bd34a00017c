package dev.stockroom.common.http;

import dev.stockroom.common.health.Health;
import dev.stockroom.common.health.ProbeRoute;
import dev.stockroom.common.metrics.Metrics;
import io.vertx.ext.web.Router;

/** The routes every service serves besides its contract: probes, metrics and the contract. */
final class PlatformRoutes {
  private PlatformRoutes() {}

  /** The probe routes and the Prometheus scrape: on the API port and the management port alike. */
  static void mountProbesAndMetrics(Router router, Health health, Metrics metrics) {
    router.get(ProbeRoute.LIVE.path()).handler(health::live);
    router.get(ProbeRoute.READY.path()).handler(health::ready);
    router.get("/metrics").handler(metrics.scrapeHandler());
  }

  /** Health and metrics: never shed, so an overloaded pod still answers its probes. */
  static boolean isProbe(String path) {
    return path.startsWith("/health/") || path.equals("/metrics");
  }

  /**
   * Open without a token: the probes, metrics, {@code /openapi.yaml} and its page {@code /docs}.
   */
  static boolean isPublic(String path) {
    return isProbe(path)
        || path.equals("/openapi.yaml")
        || path.equals("/docs")
        || path.startsWith("/docs/");
  }
}
