package dev.stockroom.common.outbox;

import dev.stockroom.common.config.Env;
import java.time.Duration;

/**
 * Relay tuning, from environment variables.
 *
 * @param source the CloudEvents {@code source} of every event, e.g. {@code /stockroom/users}
 * @param pollInterval fallback polling when no notification arrives
 * @param watermarkInterval how often every partition gets a watermark
 * @param retention how long published records stay in the outbox before they are purged
 * @param leaderRetry how often a standby relay tries to become the active one
 */
public record OutboxRelayConfig(
    String source,
    Duration pollInterval,
    Duration watermarkInterval,
    Duration retention,
    int batchSize,
    Duration leaderRetry) {

  public static OutboxRelayConfig from(Env env, String serviceName) {
    return new OutboxRelayConfig(
        "/stockroom/" + serviceName,
        env.positiveDuration("OUTBOX_POLL_INTERVAL", Duration.ofMillis(500)),
        env.positiveDuration("WATERMARK_INTERVAL", Duration.ofSeconds(1)),
        env.duration("OUTBOX_RETENTION", Duration.ofHours(24)),
        env.intInRange("OUTBOX_BATCH_SIZE", 500, 1, 10_000),
        env.positiveDuration("OUTBOX_LEADER_RETRY", Duration.ofSeconds(1)));
  }

  /** What every transactional id of a service's relay starts with (the ACLs grant this prefix). */
  public static String transactionalIdPrefix(String service) {
    return service + "-outbox-";
  }
}
