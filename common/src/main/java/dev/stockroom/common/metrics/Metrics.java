package dev.stockroom.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.VertxMetrics;
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
    return builder.with(options).withMetrics(new JvmMetersAfterVertx(registry));
  }

  /**
   * Vert.x's meters, then the JVM's. Vert.x's Prometheus backend adds a MeterFilter (the histogram
   * buckets) when Vert.x is built; bound before that, the JVM meters missed it and Micrometer
   * warned about it on every start, three times in the quick start's output.
   */
  private static final class JvmMetersAfterVertx implements VertxMetricsFactory {
    private final MeterRegistry registry;
    private final MicrometerMetricsFactory vertxMeters;

    JvmMetersAfterVertx(MeterRegistry registry) {
      this.registry = registry;
      this.vertxMeters = new MicrometerMetricsFactory(registry);
    }

    @Override
    public VertxMetrics metrics(VertxOptions options) {
      VertxMetrics metrics = vertxMeters.metrics(options);
      new JvmMeters().bindTo(registry);
      return metrics;
    }

    @Override
    public MetricsOptions newOptions() {
      return vertxMeters.newOptions();
    }

    @Override
    public MetricsOptions newOptions(MetricsOptions options) {
      return vertxMeters.newOptions(options);
    }

    @Override
    public MetricsOptions newOptions(JsonObject json) {
      return vertxMeters.newOptions(json);
    }
  }

  public Handler<RoutingContext> scrapeHandler() {
    return PrometheusScrapingHandler.create(registry);
  }
}
