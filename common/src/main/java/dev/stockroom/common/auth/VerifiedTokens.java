package dev.stockroom.common.auth;

import io.vertx.ext.auth.User;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bearer tokens verified lately, so a client that sends the same token on every request pays for
 * the signature check (an RSA verification with RS256) once, not per request. An entry lives until
 * the token's {@code exp} and at most {@code maxAge}: a token refused from now on is refused again
 * within {@code maxAge} (a key dropped from the JWKS at once: {@link #clear}). Bounded: when {@code
 * capacity} tokens are held, the cache starts over rather than grow. Tokens are held by their
 * SHA-256: 32 bytes instead of the 300-700 of a token's text, most of an entry once the user is
 * only what {@link Jwt} keeps of it. A token whose text differs by one byte, such as a forged
 * payload under a copied signature, is another key.
 */
final class VerifiedTokens {
  private record Verified(User user, long untilNanos) {}

  private record Digest(long a, long b, long c, long d) {}

  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(VerifiedTokens::sha256);

  private final Map<Digest, Verified> tokens = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
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
    Digest key = digest(token);
    Verified v = tokens.get(key);
    if (v == null) {
      return null;
    }
    if (nanoTime.getAsLong() - v.untilNanos() >= 0) {
      tokens.remove(key, v);
      return null;
    }
    return v.user();
  }

  /** Forgets every token: the keys that verified them may be gone. */
  void clear() {
    generation.incrementAndGet();
    tokens.clear();
  }

  /** Changes at each {@link #clear}: read it before verifying a token, give it to {@link #put}. */
  long generation() {
    return generation.get();
  }

  void put(String token, User user, long expEpochSeconds) {
    put(token, user, expEpochSeconds, generation());
  }

  /**
   * Remembers a verified token until its {@code exp} (seconds since the epoch), at most maxAge; not
   * when the cache was cleared since {@code verifiedIn} was read (it was verified with keys that
   * may be gone).
   */
  void put(String token, User user, long expEpochSeconds, long verifiedIn) {
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
    Digest key = digest(token);
    Verified entry = new Verified(user, now + lifetime);
    tokens.put(key, entry);
    // A clear() that ran meanwhile either removed it already or moved the generation on.
    if (generation.get() != verifiedIn) {
      tokens.remove(key, entry);
    }
  }

  private static Digest digest(String token) {
    MessageDigest sha = SHA_256.get();
    ByteBuffer hash = ByteBuffer.wrap(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
    return new Digest(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  int size() {
    return tokens.size();
  }
}
