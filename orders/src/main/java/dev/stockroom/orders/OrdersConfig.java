package dev.stockroom.orders;

import dev.stockroom.common.auth.ServiceTokens;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.outbox.OutboxRelayConfig;
import dev.stockroom.common.replica.ReplicaSettings;
import dev.stockroom.orders.saga.SagaSettings;

/**
 * orders' own settings, read with the platform's before anything starts.
 *
 * @param saga the order saga: participants, deadline, waits, leases
 * @param customers the replica of users that orders snapshot their customer from
 * @param relay the outbox relay that publishes orders.v1
 * @param topicPartitions partitions of orders.v1 when orders creates it ({@code
 *     ORDERS_TOPIC_PARTITIONS})
 */
public record OrdersConfig(
    SagaSettings saga, ReplicaSettings customers, OutboxRelayConfig relay, int topicPartitions) {

  public static OrdersConfig from(Env env, PlatformConfig platform) {
    // The saga calls inventory and users: orders must be able to say who it is.
    ServiceTokens.requireCredentials(platform);
    ReplicaSettings customers =
        ReplicaSettings.from(env, "USERS_URL", platform.devMode() ? "http://localhost:8081" : null);
    SagaSettings saga = SagaSettings.from(env, customers.ttl(), platform.devMode());
    return new OrdersConfig(
        saga,
        customers,
        OutboxRelayConfig.from(env, platform.serviceName()),
        env.intInRange("ORDERS_TOPIC_PARTITIONS", 6, 1, 1024));
  }
}
