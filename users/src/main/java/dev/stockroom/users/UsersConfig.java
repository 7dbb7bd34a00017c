package dev.stockroom.users;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.outbox.OutboxRelayConfig;
import java.time.Duration;

/**
 * users' own settings, read with the platform's before anything starts.
 *
 * @param relay the outbox relay that publishes users.v1
 * @param topicPartitions partitions of users.v1 when users creates it ({@code
 *     USERS_TOPIC_PARTITIONS}); keys stay on the partitions it had when first published to
 * @param holdSweepInterval how often expired credit holds give their credit back
 * @param commitmentRetention how long settled holds are kept before they are purged
 */
public record UsersConfig(
    OutboxRelayConfig relay,
    int topicPartitions,
    Duration holdSweepInterval,
    Duration commitmentRetention) {

  public static UsersConfig from(Env env, PlatformConfig platform) {
    return new UsersConfig(
        OutboxRelayConfig.from(env, platform.serviceName()),
        env.intInRange("USERS_TOPIC_PARTITIONS", 6, 1, 1024),
        env.positiveDuration("CREDIT_HOLD_SWEEP_INTERVAL", Duration.ofSeconds(5)),
        platform.commitmentRetention(env));
  }
}
