package dev.stockroom.common.auth;

import io.vertx.ext.auth.User;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Bearer tokens verified lately, so a client that sends the same token on every request pays for
 * the signature check (an RSA verification with RS256) once, not per request. An entry lives until
 * the token's {@code exp} and at most {@code maxAge}: a key removed from the JWKS, or a token
 * otherwise refused from now on, is refused again within {@code maxAge}. Bounded: when {@code
 * capacity} tokens are held, the cache starts over rather than grow.
 */
final class VerifiedTokens {
  private record Verified(User user, long untilNanos) {}

  private final Map<String, Verified> tokens = new ConcurrentHashMap<>();
  private final int capacity;
  private final long maxAgeNanos;
  private final LongSupplier nanoTime;

  VerifiedTokens(int capacity, Duration maxAge, LongSupplier nanoTime) {
    this.capacity = capacity;
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoTime = nanoTime;
  }

  /** The user this token was verified as, or null when it is not (or no longer) known good. */
  User get(String token) {
    Verified v = tokens.get(token);
    if (v == null) {
      return null;
    }
    if (nanoTime.getAsLong() - v.untilNanos() >= 0) {
      tokens.remove(token, v);
      return null;
    }
    return v.user();
  }

  /** Remembers a verified token until its {@code exp} (seconds since the epoch), at most maxAge. */
  void put(String token, User user, long expEpochSeconds) {
    long now = nanoTime.getAsLong();
    long untilExp =
        Duration.ofSeconds(expEpochSeconds - System.currentTimeMillis() / 1000).toNanos();
    long lifetime = Math.min(maxAgeNanos, untilExp);
    if (lifetime <= 0) {
      return;
    }
    if (tokens.size() >= capacity) {
      tokens.clear();
    }
    tokens.put(token, new Verified(user, now + lifetime));
  }

  int size() {
    return tokens.size();
  }
}
