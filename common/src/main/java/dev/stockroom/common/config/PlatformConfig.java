package dev.stockroom.common.config;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.db.PgTls;
import dev.stockroom.common.db.PlanCacheMode;
import dev.stockroom.common.kafka.KafkaConnection;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The settings every service shares, read from environment variables before anything starts. A
 * service's own settings are a record of its own, read at the same moment ({@code
 * ServiceSpec.configure}); nothing reads the environment after that.
 *
 * @param serviceName users, inventory or orders; used for logs, metrics and Kafka client ids
 * @param devMode {@code STOCKROOM_ENV=dev}: allows the well-known dev JWT secret
 * @param startupTimeout how long a start waits for PostgreSQL before giving up
 * @param breakerReset how long a downstream's open circuit breaker waits before trying again
 * @param topicReplicationFactor the replication factor of the topics a service creates
 * @param serviceToken a fixed token for calls to other services ({@code SERVICE_TOKEN}), instead of
 *     minting one
 * @param maxConnections connections the HTTP server holds before it stops accepting ({@code
 *     AcceptLimit})
 * @param managementPort a second port serving only the probes and metrics, outside the connection
 *     bound and admission ({@code HTTP_MANAGEMENT_PORT}; none when unset)
 * @param pgStatementTimeout PostgreSQL's statement_timeout on the pool's connections ({@code
 *     PG_STATEMENT_TIMEOUT}; zero: none): a statement waiting on a lock held elsewhere fails and is
 *     retried, instead of holding up whatever queues behind it
 * @param layersOff platform layers switched off for a benchmark (dev mode only, {@link
 *     PlatformLayer})
 */
public record PlatformConfig(
    String serviceName,
    boolean devMode,
    int httpPort,
    int httpInstances,
    long bodyLimitBytes,
    int maxInFlight,
    int maxConnections,
    OptionalInt managementPort,
    Duration requestReadTimeout,
    int unauthenticatedConnectionsPerClient,
    URI pgUri,
    int pgPoolSize,
    int pgWaitQueueSize,
    PlanCacheMode pgPlanCacheMode,
    Duration pgMaxLifetime,
    Duration pgStatementTimeout,
    Optional<String> pgSslCa,
    KafkaConnection kafka,
    JwtConfig jwt,
    Duration shutdownGrace,
    Duration drainTimeout,
    Duration startupTimeout,
    Duration breakerReset,
    short topicReplicationFactor,
    Optional<String> serviceToken,
    Set<PlatformLayer> layersOff) {

  /** What logback reads as a level; anything else it takes as DEBUG instead of refusing it. */
  private static final List<String> LOG_LEVELS =
      List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  /** Reads and validates everything; throws {@link ConfigException} on the first bad value. */
  public static PlatformConfig from(Env env, String serviceName, int defaultPort) {
    return from(env, serviceName, defaultPort, PlatformDefaults.STANDARD);
  }

  /** As {@link #from(Env, String, int)}, with the service's own defaults. */
  public static PlatformConfig from(
      Env env, String serviceName, int defaultPort, PlatformDefaults defaults) {
    boolean dev =
        env.oneOf("STOCKROOM_ENV", "production", List.of("dev", "production")).equals("dev");
    String logFormat = asLogbackReadsIt(env, "LOG_FORMAT", "text");
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new ConfigException("LOG_FORMAT: expected text or json, got '" + logFormat + "'");
    }
    String logLevel = asLogbackReadsIt(env, "LOG_LEVEL", "INFO");
    if (!LOG_LEVELS.contains(logLevel.toUpperCase(java.util.Locale.ROOT))) {
      throw new ConfigException(
          "LOG_LEVEL: expected one of "
              + String.join(", ", LOG_LEVELS)
              + ", got '"
              + logLevel
              + "'");
    }
    String defaultPg = dev ? "postgresql://postgres:postgres@localhost:5432/" + serviceName : null;
    URI pgUri = env.uri("PG_URI", defaultPg, "postgresql", "postgres");
    requireConnectable(pgUri);
    Duration readTimeout =
        env.positiveDuration("HTTP_REQUEST_READ_TIMEOUT", Duration.ofSeconds(10));
    int httpInstances =
        env.intInRange(
            "HTTP_INSTANCES", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 64);
    int pgPoolSize = env.intInRange("PG_POOL_SIZE", 8, 1, 200);
    int pgWaitQueue = env.intInRange("PG_POOL_WAIT_QUEUE", defaults.pgPoolWaitQueue(), 1, 100_000);
    int httpPort = env.port("HTTP_PORT", defaultPort);
    return new PlatformConfig(
        serviceName,
        dev,
        httpPort,
        httpInstances,
        env.intInRange("HTTP_BODY_LIMIT_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024),
        env.intInRange(
            "HTTP_MAX_IN_FLIGHT",
            inFlightThePoolCanTake(pgPoolSize, pgWaitQueue, httpInstances),
            1,
            1_000_000),
        env.intInRange("HTTP_MAX_CONNECTIONS", 4096, 16, 1_000_000),
        managementPort(env, httpPort),
        readTimeout,
        env.intInRange("HTTP_UNAUTHENTICATED_CONNECTIONS_PER_CLIENT", 512, 1, 1_000_000),
        pgUri,
        pgPoolSize,
        pgWaitQueue,
        env.oneOf("PG_PLAN_CACHE_MODE", PlanCacheMode.class, defaults.planCacheMode()),
        poolMaxLifetime(env),
        env.duration("PG_STATEMENT_TIMEOUT", Duration.ofSeconds(30)),
        pgSslCa(env, pgUri),
        KafkaConnection.from(env, dev),
        JwtConfig.from(env, dev),
        env.duration("SHUTDOWN_GRACE", dev ? Duration.ZERO : Duration.ofSeconds(5)),
        env.duration("SHUTDOWN_DRAIN_TIMEOUT", Duration.ofSeconds(10)),
        env.positiveDuration("STARTUP_TIMEOUT", Duration.ofMinutes(3)),
        env.positiveDuration("BREAKER_RESET", Duration.ofSeconds(5)),
        (short) env.intInRange("KAFKA_REPLICATION_FACTOR", 1, 1, 5),
        env.optional("SERVICE_TOKEN"),
        PlatformLayer.switchedOff(env, dev));
  }

  /**
   * {@code COMMITMENT_RETENTION}, for the services that keep commitments (inventory's reservations,
   * users' holds). Ended commitments are the evidence a saga reads when it retries a step whose
   * answer it lost: a purged one reads as never made (a capture as an unknown customer, a return as
   * nothing to give back). Outside dev at least a day, the longest a commitment may be asked to
   * live (ORDER_COMMITMENT_TTL is at most PT24H); tests purge sooner.
   */
  public Duration commitmentRetention(Env env) {
    return devMode
        ? env.positiveDuration("COMMITMENT_RETENTION", Duration.ofDays(7))
        : env.durationAtLeast(
            "COMMITMENT_RETENTION",
            Duration.ofDays(7),
            Duration.ofDays(1),
            "sagas retry against ended commitments; a purged one reads as never made");
  }

  /**
   * The default bound on requests in flight per HTTP verticle: what the database pool can serve or
   * queue, shared out among the verticles. Every API request needs the pool, so admitting more only
   * turns into the pool's refusals, each an exception with a full stack trace that lives until its
   * 503 is written: under a 5,000 requests/s overload 10,600 of them held ~50 MB and ran a 128 MB
   * heap out, where admission's own 503 costs nothing (2026-12-05).
   */
  static int inFlightThePoolCanTake(int poolSize, int waitQueue, int httpInstances) {
    return Math.max(1, (poolSize + waitQueue + httpInstances - 1) / httpInstances);
  }

  /**
   * logback reads these variables itself, as they are set: a value with spaces around it passes a
   * trimmed check and then names no appender (every log line lost) or no level (DEBUG).
   */
  private static String asLogbackReadsIt(Env env, String name, String defaultValue) {
    String raw = env.asMap().get(name);
    if (raw != null && !raw.isBlank() && !raw.equals(raw.strip())) {
      throw new ConfigException(name + ": expected no spaces around the value, got '" + raw + "'");
    }
    return env.string(name, defaultValue);
  }

  /** The pool takes whole seconds in an int, 0 meaning never: PT0.5S would silently be never. */
  private static Duration poolMaxLifetime(Env env) {
    Duration lifetime = env.duration("PG_POOL_MAX_LIFETIME", Duration.ofMinutes(30));
    if (lifetime.getNano() != 0 || lifetime.getSeconds() > Integer.MAX_VALUE) {
      throw new ConfigException(
          "PG_POOL_MAX_LIFETIME: expected whole seconds from PT0S (never) to PT"
              + Integer.MAX_VALUE
              + "S, got '"
              + env.optional("PG_POOL_MAX_LIFETIME").orElse("")
              + "'");
    }
    return lifetime;
  }

  private static OptionalInt managementPort(Env env, int httpPort) {
    if (env.optional("HTTP_MANAGEMENT_PORT").isEmpty()) {
      return OptionalInt.empty();
    }
    int port = env.port("HTTP_MANAGEMENT_PORT", 0);
    if (port == httpPort) {
      throw new ConfigException(
          "HTTP_MANAGEMENT_PORT: expected a port other than HTTP_PORT (" + httpPort + ")");
    }
    return OptionalInt.of(port);
  }

  /**
   * What PostgreSQL's client will refuse at the first connection (no database, an sslmode it does
   * not know) is refused now, in one line: its own message would print the URI, password and all.
   */
  private static void requireConnectable(URI pgUri) {
    String raw = pgUri.toString();
    try {
      PgConnectOptions.fromUri(raw);
    } catch (RuntimeException e) {
      // The client's message may quote the URI or its parameters: masked as the URI is.
      String why = Env.redact(String.valueOf(e.getMessage()).replace(raw, Env.redact(raw)));
      throw new ConfigException(
          "PG_URI: PostgreSQL's client cannot use '" + Env.redact(raw) + "': " + why);
    }
  }

  /** A CA is only used to verify, so PG_URI must ask for TLS; otherwise it would be ignored. */
  private static Optional<String> pgSslCa(Env env, URI pgUri) {
    Optional<String> ca = env.pem("PG_SSL_CA");
    if (ca.isPresent() && !PgTls.asksForTls(pgUri)) {
      throw new ConfigException(
          "PG_SSL_CA is set, but PG_URI does not ask for TLS: add sslmode=verify-full (or"
              + " verify-ca, require) to it");
    }
    return ca;
  }
}
