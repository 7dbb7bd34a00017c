package dev.stockroom.common.auth;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.service.ServiceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The bearer token a service sends when it calls another: {@code SERVICE_TOKEN} if given (for
 * deployments whose signing key lives elsewhere), otherwise a {@code service}-role token minted
 * with this service's own key and renewed well before it expires.
 */
public final class ServiceTokens implements Supplier<String> {
  private static final Duration TTL = Duration.ofHours(1);

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

  public static ServiceTokens of(ServiceContext ctx) {
    String fixed = ctx.config().env().optional("SERVICE_TOKEN").orElse(null);
    if (fixed == null && !ctx.config().jwt().canMint()) {
      throw new ConfigException(
          "SERVICE_TOKEN is required to call other services when this service has no signing key"
              + " (JWT_SECRET or JWT_PRIVATE_KEY)");
    }
    return new ServiceTokens(ctx.jwt(), ctx.config().serviceName(), fixed);
  }

  @Override
  public synchronized String get() {
    if (fixed != null) {
      return fixed;
    }
    if (Instant.now().isAfter(renewAt)) {
      current = jwt.mint(subject, List.of("service"), TTL);
      renewAt = Instant.now().plus(TTL.dividedBy(2));
    }
    return current;
  }
}
