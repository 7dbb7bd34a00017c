package dev.stockroom.launcher;

import dev.stockroom.common.auth.Jwt;
import dev.stockroom.common.auth.JwtConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/**
 * Mints tokens with the same {@link Jwt} code the services verify with, so the claims (iss, aud,
 * sub, roles, exp) cannot drift from what they accept. vertx-auth-jwt needs a Vert.x instance; a
 * small private one is enough and is closed with the minter.
 */
final class TokenMinter implements AutoCloseable {
  /** How long the tokens printed by {@code dev} stay valid: a working day. */
  static final Duration DEV_TTL = Duration.ofHours(12);

  private final Vertx vertx;
  private final Jwt jwt;

  TokenMinter(JwtConfig config) {
    this.vertx = Vertx.vertx();
    this.jwt = Jwt.create(vertx, config);
  }

  /** Minting needs the HS256 secret or the RS256 private key; otherwise this says so. */
  String mint(String subject, List<String> roles, Duration ttl) {
    return jwt.mint(subject, roles, ttl);
  }

  @Override
  public void close() {
    Infrastructure.closeQuietly(vertx);
  }
}
