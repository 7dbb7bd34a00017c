package dev.stockroom.common.http;

/** The routes every service serves besides its contract: probes, metrics and the contract. */
final class PlatformRoutes {
  private PlatformRoutes() {}

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
