package dev.stockroom.common.service;

import dev.stockroom.common.auth.Jwt;
import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.config.PlatformLayer;
import dev.stockroom.common.db.Database;
import dev.stockroom.common.health.Health;
import dev.stockroom.common.http.AcceptLimit;
import dev.stockroom.common.http.ManagementVerticle;
import dev.stockroom.common.kafka.TopicSetup;
import dev.stockroom.common.metrics.Metrics;
import dev.stockroom.common.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a service: configuration (fail fast), Vert.x with metrics, migrations, topics, the pool,
 * then the service's own verticles. Used by each service's {@code main}, by the launcher and by
 * tests, so all three run exactly the same start-up chain.
 */
public final class ServiceRunner {
  private static final Logger log = LoggerFactory.getLogger(ServiceRunner.class);

  private ServiceRunner() {}

  /** Deploys a service's verticles into a prepared context, with the service's own settings. */
  @FunctionalInterface
  public interface Module<C> {
    Future<?> deploy(ServiceContext ctx, C settings);
  }

  /**
   * Starts the service. A bad configuration throws {@link ConfigException} right away, before
   * anything starts; everything after that fails the returned future, with Vert.x closed again.
   */
  public static <C> Future<RunningService> start(ServiceSpec<C> spec, Env env, Module<C> module) {
    ServiceSpec.Configuration<C> configuration = spec.configure(env);
    PlatformConfig config = configuration.platform();
    Metrics metrics = new Metrics(spec.name());
    Tracing tracing = Tracing.from(env, spec.name());
    boolean vertxMeters = !config.layersOff().contains(PlatformLayer.METRICS);
    AcceptLimit.Limited transport =
        AcceptLimit.transport(config.maxConnections(), config.managementPort());
    Vertx vertx =
        tracing
            .configure(
                metrics.configure(
                    Vertx.builder().withTransport(transport),
                    // As many event loops as HTTP verticles: the pool opens each connection on
                    // the loop that asks for it, so every connection sits on a loop that serves
                    // requests, and a query needs no hand-over to another thread and back.
                    new VertxOptions().setEventLoopPoolSize(config.httpInstances()),
                    vertxMeters))
            .build();
    transport.bindMeters(metrics.registry());
    if (!config.layersOff().isEmpty()) {
      log.warn(
          "{}: platform layers switched off for a benchmark ({}={}); never in production",
          spec.name(),
          PlatformLayer.VARIABLE,
          config.layersOff());
    }
    Pool pool = Database.pool(vertx, config);
    Health health = new Health(pool, Duration.ofSeconds(2));
    health.bindMeters(metrics.registry());
    Jwt jwt = Jwt.create(vertx, config.jwt());
    // Completed outside any Vert.x context: a failed start closes Vert.x, and the caller must
    // still hear about the failure after the event loops are gone.
    Promise<RunningService> outcome = Promise.promise();
    vertx
        .executeBlocking(() -> readResource(spec.contract()))
        .compose(
            contract ->
                Database.awaitReachable(vertx, pool, config)
                    .compose(v -> Database.migrate(vertx, config, spec.migrations()))
                    .map(
                        v -> {
                          // Kafka is not awaited: the service serves while the broker is away.
                          TopicSetup topics =
                              TopicSetup.start(vertx, config.kafka(), configuration.topics());
                          health.addCheck("kafka", topics::state);
                          return new ServiceContext(
                              config,
                              vertx,
                              pool,
                              metrics,
                              jwt,
                              health,
                              topics,
                              spec.contract(),
                              contract,
                              tracing);
                        }))
        .compose(ctx -> module.deploy(ctx, configuration.own()).map(v -> ctx))
        .compose(ctx -> deployManagement(ctx).map(v -> ctx))
        .onSuccess(
            ctx -> {
              health.markStarted();
              log.info(
                  "{} ready on http://localhost:{} (mode {})",
                  spec.name(),
                  config.httpPort(),
                  config.devMode() ? "dev" : "production");
              outcome.complete(new RunningService(spec.name(), ctx));
            })
        .onFailure(
            failure -> {
              log.error("{} failed to start: {}", spec.name(), failure.toString());
              outcome.fail(failure);
              pool.close()
                  .eventually(vertx::close)
                  .onComplete(x -> tracing.close(() -> {}))
                  .onFailure(
                      e ->
                          log.warn(
                              "{}: cleanup after failed start: {}", spec.name(), e.toString()));
            });
    return outcome.future();
  }

  /**
   * The probes and metrics on their own port, when one is configured. Not one of the service's
   * deployments: it stays up through the drain (readiness answering 503) until Vert.x closes.
   */
  private static Future<?> deployManagement(ServiceContext ctx) {
    return ctx.config().managementPort().isEmpty()
        ? Future.succeededFuture()
        : ctx.vertx()
            .deployVerticle(
                new ManagementVerticle(
                    ctx.config().managementPort().getAsInt(), ctx.health(), ctx.metrics()));
  }

  /**
   * The {@code java -jar} entry point: configuration errors print one line and exit 2; SIGTERM
   * drains and stops the service before the JVM exits.
   */
  public static <C> void main(ServiceSpec<C> spec, Module<C> module) {
    CountDownLatch started = new CountDownLatch(1);
    RunningService[] running = new RunningService[1];
    Throwable[] failure = new Throwable[1];
    try {
      start(spec, Env.system(), module)
          .onComplete(
              (service, error) -> {
                running[0] = service;
                failure[0] = error;
                started.countDown();
              });
    } catch (ConfigException e) {
      System.err.println(spec.name() + ": configuration error: " + e.getMessage());
      System.exit(2);
    }
    // Every wait of a start is bounded (STARTUP_TIMEOUT for the database; Kafka is not awaited).
    awaitQuietly(started, Duration.ofDays(1));
    if (running[0] == null) {
      if (failure[0] instanceof StartupException e) {
        System.err.println(spec.name() + ": " + e.getMessage());
      } else if (failure[0] instanceof ConfigException e) {
        // A setting read while deploying (the rest were read before anything started).
        System.err.println(spec.name() + ": configuration error: " + e.getMessage());
        System.exit(2);
      } else {
        log.error("{} failed to start", spec.name(), failure[0]);
      }
      System.exit(1);
    }
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stopAndWait(running[0]), spec.name() + "-shutdown"));
  }

  /** Blocks the calling (non-Vert.x) thread until the service has stopped, at most its bound. */
  public static void stopAndWait(RunningService service) {
    CountDownLatch stopped = new CountDownLatch(1);
    service.stop().onComplete((v, e) -> stopped.countDown());
    awaitQuietly(stopped, service.bound());
  }

  private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
    try {
      latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String readResource(String path) throws IOException {
    try (InputStream in = ServiceRunner.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("classpath resource not found: " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
