package dev.stockroom.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.UUID;

/**
 * One Prometheus registry per service instance: Vert.x's own meters (HTTP, pools, event loop) and
 * the features' meters land in it. Features add meters through {@link #registry()} with the plain
 * Micrometer API; every meter carries the {@code service} tag.
 */
public final class Metrics {
  private final PrometheusMeterRegistry registry;
  private final String registryName;

  public Metrics(String serviceName) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.registry.config().commonTags("service", serviceName);
    // Vert.x keys its backends by name; a unique name keeps services in one JVM (the launcher,
    // the tests) from sharing a registry.
    this.registryName = serviceName + "-" + UUID.randomUUID();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Vert.x's own meters into this registry; with {@code vertxMeters} false (a benchmark pricing the
   * layer) Vert.x records none and only the features' meters remain.
   */
  public VertxBuilder configure(VertxBuilder builder, VertxOptions options, boolean vertxMeters) {
    if (!vertxMeters) {
      return builder.with(options);
    }
    new JvmMeters().bindTo(registry);
    options.setMetricsOptions(
        new MicrometerMetricsOptions()
            .setEnabled(true)
            // JvmMeters instead, bound above: garbage collection read at scrape time.
            .setJvmMetricsEnabled(false)
            // The platform records the server's request meters itself (RequestMeters), under
            // the same names, without Vert.x's per-request tag building and meter lookups.
            .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
            .setRegistryName(registryName)
            // The matched route (e.g. /users/:id), not the raw path: bounded label values.
            .addLabels(Label.HTTP_ROUTE)
            .setPrometheusOptions(
                // Histogram buckets, not percentiles computed in the pod: histogram_quantile()
                // can then aggregate HTTP latency across pods.
                new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true)));
    return builder.with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  public Handler<RoutingContext> scrapeHandler() {
    return PrometheusScrapingHandler.create(registry);
  }
}
