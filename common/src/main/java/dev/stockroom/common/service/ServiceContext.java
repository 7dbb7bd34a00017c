package dev.stockroom.common.service;

import dev.stockroom.common.auth.Jwt;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.health.Health;
import dev.stockroom.common.http.ConnectionGuard;
import dev.stockroom.common.http.Downstreams;
import dev.stockroom.common.http.HttpApi;
import dev.stockroom.common.kafka.TopicSetup;
import dev.stockroom.common.metrics.Metrics;
import dev.stockroom.common.tracing.Tracing;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Everything a service's verticles share: configuration, the Vert.x instance, the database pool,
 * metrics, JWT auth and health. Deployments made through {@link #deploy} are undeployed in reverse
 * order at shutdown, so deploy the HTTP API last: it is then the first to stop taking requests.
 */
public final class ServiceContext {
  private final PlatformConfig config;
  private final Vertx vertx;
  private final Pool pool;
  private final Metrics metrics;
  private final Jwt jwt;
  private final Health health;
  private final TopicSetup topics;
  private final Downstreams downstreams;
  private final ConnectionGuard connections;
  private final Tracing tracing;
  private final String contractText;
  private final String contractPath;
  private final List<String> deployments = new CopyOnWriteArrayList<>();

  /** How long an HTTP connection may stay silent (the server's idle timeout). */
  public static final Duration HTTP_IDLE_TIMEOUT = Duration.ofSeconds(120);

  ServiceContext(
      PlatformConfig config,
      Vertx vertx,
      Pool pool,
      Metrics metrics,
      Jwt jwt,
      Health health,
      TopicSetup topics,
      String contractPath,
      String contractText,
      Tracing tracing) {
    this.config = config;
    this.vertx = vertx;
    this.pool = pool;
    this.metrics = metrics;
    this.jwt = jwt;
    this.health = health;
    this.topics = topics;
    this.downstreams = new Downstreams(vertx, metrics.registry(), config.breakerReset());
    this.connections =
        new ConnectionGuard(
            vertx,
            metrics.registry(),
            config.requestReadTimeout(),
            HTTP_IDLE_TIMEOUT,
            config.unauthenticatedConnectionsPerClient());
    this.contractPath = contractPath;
    this.contractText = contractText;
    this.tracing = tracing;
  }

  /** Traces: Stockroom's own spans; no-ops when tracing is off. */
  public Tracing tracing() {
    return tracing;
  }

  public PlatformConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public Metrics metrics() {
    return metrics;
  }

  public Jwt jwt() {
    return jwt;
  }

  public Health health() {
    return health;
  }

  /** The service's topics, set up in the background; what publishes waits for them. */
  public TopicSetup topics() {
    return topics;
  }

  /** The circuit breakers of this process, one per downstream service. */
  public Downstreams downstreams() {
    return downstreams;
  }

  /** The platform pieces for {@link HttpApi#router}. */
  public HttpApi.Platform http() {
    return new HttpApi.Platform(
        vertx,
        contractPath,
        contractText,
        jwt,
        config.bodyLimitBytes(),
        config.maxInFlight(),
        config.requestReadTimeout(),
        health,
        metrics,
        connections,
        config.layersOff());
  }

  public Future<String> deploy(Supplier<? extends Deployable> verticle, DeploymentOptions options) {
    return vertx.deployVerticle(verticle, options).onSuccess(deployments::add);
  }

  public Future<String> deploy(Supplier<? extends Deployable> verticle) {
    return deploy(verticle, new DeploymentOptions());
  }

  List<String> deploymentsNewestFirst() {
    List<String> reversed = new java.util.ArrayList<>(deployments);
    java.util.Collections.reverse(reversed);
    return reversed;
  }
}
