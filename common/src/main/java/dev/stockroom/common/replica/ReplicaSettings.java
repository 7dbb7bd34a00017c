package dev.stockroom.common.replica;

import dev.stockroom.common.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Replica tuning from environment variables.
 *
 * @param ttl the default freshness budget of a read ({@code REPLICA_TTL})
 * @param owner the owner's name as a downstream (its circuit breaker), e.g. {@code users}
 * @param ownerUrl the owner's base URL (e.g. {@code USERS_URL})
 * @param fallbackTimeout the timeout of one batched call to the owner
 * @param maxClockSkew how far past this clock an event's time or watermark may lie and still be
 *     believed ({@code REPLICA_MAX_CLOCK_SKEW})
 * @param maxVersionJump how far past the stored version an event may jump and still be applied
 *     ({@code REPLICA_MAX_VERSION_JUMP}); beyond, it is parked in the dead-letter topic
 * @param groupId the consumer group, when not the replica's own ({@code REPLICA_GROUP_ID}: a test
 *     or a rebuild that starts a fresh group)
 */
public record ReplicaSettings(
    Duration ttl,
    String owner,
    String ownerUrl,
    Duration fallbackTimeout,
    int fallbackConcurrency,
    Duration reconcileInterval,
    Duration maxClockSkew,
    int maxVersionJump,
    Optional<String> groupId) {

  public static ReplicaSettings from(Env env, String ownerUrlVariable, String defaultOwnerUrl) {
    URI owner = env.uri(ownerUrlVariable, defaultOwnerUrl, "http", "https");
    String url = owner.toString().replaceAll("/+$", "");
    String name = ownerUrlVariable.replaceFirst("_URL$", "").toLowerCase(java.util.Locale.ROOT);
    return new ReplicaSettings(
        env.duration("REPLICA_TTL", Duration.ofMinutes(15)),
        name,
        url,
        env.positiveDuration("REPLICA_FALLBACK_TIMEOUT", Duration.ofMillis(250)),
        env.intInRange("REPLICA_FALLBACK_CONCURRENCY", 16, 1, 1024),
        env.positiveDuration("REPLICA_RECONCILE_INTERVAL", Duration.ofHours(1)),
        env.duration("REPLICA_MAX_CLOCK_SKEW", Duration.ofSeconds(5)),
        env.intInRange("REPLICA_MAX_VERSION_JUMP", 1_000_000, 1, Integer.MAX_VALUE),
        env.optional("REPLICA_GROUP_ID"));
  }
}
