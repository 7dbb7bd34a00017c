package dev.stockroom.common.auth;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.service.ServiceContext;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token a service sends when it calls another: {@code SERVICE_TOKEN} if given (for
 * deployments whose signing key lives elsewhere); otherwise a {@code service}-role token minted
 * with this service's own service key ({@link ServiceKeys}, which can sign nothing else), or in dev
 * with the shared key; renewed well before it expires.
 */
public final class ServiceTokens implements Supplier<String> {
  private static final Logger log = LoggerFactory.getLogger(ServiceTokens.class);
  private static final Duration TTL = Duration.ofHours(1);
  private static final Duration WARN_AT_START = Duration.ofDays(7);
  private static final Duration WARN_DAILY = Duration.ofDays(1);

  private final Jwt jwt;
  private final String subject;
  private final String fixed;
  private String current;
  private Instant renewAt = Instant.MIN;

  private ServiceTokens(Jwt jwt, String subject, String fixed) {
    this.jwt = jwt;
    this.subject = subject;
    this.fixed = fixed;
  }

  /**
   * For a service that calls others, read with its configuration: it must be able to prove who it
   * is (its own signing key, the issuer's key, or a fixed token that is a JWT and not expired).
   */
  public static void requireCredentials(PlatformConfig config) {
    Optional<String> fixed = config.serviceToken();
    if (fixed.isEmpty()
        && config.jwt().serviceKeys().signing().isEmpty()
        && !config.jwt().canMint()) {
      throw new ConfigException(
          "SERVICE_SIGNING_KEY (with SERVICE_SIGNING_KID) or SERVICE_TOKEN is required to call"
              + " other services when this service has no signing key (JWT_SECRET or"
              + " JWT_PRIVATE_KEY)");
    }
    Optional<Instant> expiry = fixed.flatMap(ServiceTokens::expiryOf);
    if (expiry.isPresent() && !expiry.get().isAfter(Instant.now())) {
      throw new ConfigException(
          "SERVICE_TOKEN expired at "
              + expiry.get()
              + ": give a fresh one, or remove it so that the service mints its own");
    }
  }

  /** The tokens of a service whose configuration passed {@link #requireCredentials}. */
  public static ServiceTokens of(ServiceContext ctx) {
    String fixed = ctx.config().serviceToken().orElse(null);
    if (fixed != null) {
      expiryOf(fixed).ifPresent(expiry -> watch(ctx, expiry));
    }
    return new ServiceTokens(ctx.jwt(), ctx.config().serviceName(), fixed);
  }

  /**
   * A fixed token's expiry: warned about from a day before (and once at start when it is less than
   * a week away), and published as {@code service_token_expiry_seconds} so an alert can fire well
   * before calls start failing with 401.
   */
  private static void watch(ServiceContext ctx, Instant expiry) {
    Gauge.builder(
            "service_token_expiry_seconds",
            () -> Duration.between(Instant.now(), expiry).toSeconds())
        .description("Seconds until the fixed SERVICE_TOKEN expires")
        .register(ctx.metrics().registry());
    warnIfClose(expiry, WARN_AT_START);
    ctx.vertx().setPeriodic(Duration.ofHours(1).toMillis(), id -> warnIfClose(expiry, WARN_DAILY));
  }

  private static void warnIfClose(Instant expiry, Duration within) {
    Duration left = Duration.between(Instant.now(), expiry);
    if (left.compareTo(within) < 0) {
      log.warn(
          "SERVICE_TOKEN expires at {} (in {}): calls to other services will then be refused",
          expiry,
          left.isNegative() ? Duration.ZERO : left.withNanos(0));
    }
  }

  /** The {@code exp} claim of a JWT, if it has one; a token that is no JWT is refused. */
  static Optional<Instant> expiryOf(String token) {
    String[] parts = token.split("\\.");
    try {
      JsonObject claims =
          new JsonObject(
              new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      Long exp = claims.getLong("exp");
      return exp == null ? Optional.empty() : Optional.of(Instant.ofEpochSecond(exp));
    } catch (RuntimeException e) {
      throw new ConfigException("SERVICE_TOKEN is not a JWT (header.payload.signature)");
    }
  }

  @Override
  public synchronized String get() {
    if (fixed != null) {
      return fixed;
    }
    if (Instant.now().isAfter(renewAt)) {
      current =
          jwt.hasServiceKey()
              ? jwt.mintServiceToken(TTL)
              : jwt.mint(subject, List.of("service"), TTL);
      renewAt = Instant.now().plus(TTL.dividedBy(2));
    }
    return current;
  }
}
