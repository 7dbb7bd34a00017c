package dev.stockroom.common.replica;

import dev.stockroom.common.config.Env;
import java.net.URI;
import java.time.Duration;

/**
 * Replica tuning from environment variables.
 *
 * @param ttl the default freshness budget of a read ({@code REPLICA_TTL})
 * @param ownerUrl the owner's base URL (e.g. {@code USERS_URL})
 */
public record ReplicaSettings(
    Duration ttl,
    String ownerUrl,
    Duration fallbackTimeout,
    int fallbackConcurrency,
    Duration breakerReset,
    Duration reconcileInterval) {

  public static ReplicaSettings from(Env env, String ownerUrlVariable, String defaultOwnerUrl) {
    URI owner = env.uri(ownerUrlVariable, defaultOwnerUrl, "http", "https");
    String url = owner.toString().replaceAll("/+$", "");
    return new ReplicaSettings(
        env.duration("REPLICA_TTL", Duration.ofMinutes(15)),
        url,
        env.duration("REPLICA_FALLBACK_TIMEOUT", Duration.ofMillis(250)),
        env.intInRange("REPLICA_FALLBACK_CONCURRENCY", 16, 1, 1024),
        env.duration("REPLICA_BREAKER_RESET", Duration.ofSeconds(5)),
        env.duration("REPLICA_RECONCILE_INTERVAL", Duration.ofHours(1)));
  }
}
