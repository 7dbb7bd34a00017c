package dev.stockroom.inventory;

import dev.stockroom.common.auth.ServiceTokens;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.replica.ReplicaSettings;
import java.time.Duration;

/**
 * inventory's own settings, read with the platform's before anything starts.
 *
 * @param users the replica of users: where the owner is, budgets, fallback and trust limits
 * @param reservationSweepInterval how often expired reservations give their stock back
 * @param commitmentRetention how long ended reservations are kept before they are purged
 */
public record InventoryConfig(
    ReplicaSettings users, Duration reservationSweepInterval, Duration commitmentRetention) {

  public static InventoryConfig from(Env env, PlatformConfig platform) {
    // The fallback calls users: inventory must be able to say who it is.
    ServiceTokens.requireCredentials(platform);
    return new InventoryConfig(
        ReplicaSettings.from(env, "USERS_URL", platform.devMode() ? "http://localhost:8081" : null),
        env.positiveDuration("RESERVATION_SWEEP_INTERVAL", Duration.ofSeconds(5)),
        platform.commitmentRetention(env));
  }
}
