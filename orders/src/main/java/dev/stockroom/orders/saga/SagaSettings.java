package dev.stockroom.orders.saga;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import java.net.URI;
import java.time.Duration;

/**
 * Saga tuning from environment variables.
 *
 * @param deadline after this the saga stops retrying and compensates ({@code ORDER_SAGA_DEADLINE})
 * @param answerWait how long {@code POST /orders} waits for the saga before answering 202
 * @param commitmentTtl how long reservations and holds live if the saga never comes back
 */
public record SagaSettings(
    String inventoryUrl,
    String usersUrl,
    Duration deadline,
    Duration answerWait,
    Duration callTimeout,
    Duration commitmentTtl,
    Duration lease,
    Duration pollInterval,
    Duration customerBudget) {

  /**
   * @param replicaTtl the longest the customer copy is trusted ({@code REPLICA_TTL}): the
   *     customer's budget defaults to at most it, and may not be set past it
   * @param devMode the participants' addresses default to this machine's ports; elsewhere they are
   *     required (a forgotten one would reject every order)
   */
  public static SagaSettings from(Env env, Duration replicaTtl, boolean devMode) {
    SagaSettings settings =
        new SagaSettings(
            url(env, "INVENTORY_URL", devMode ? "http://localhost:8082" : null),
            url(env, "USERS_URL", devMode ? "http://localhost:8081" : null),
            env.positiveDuration("ORDER_SAGA_DEADLINE", Duration.ofSeconds(30)),
            env.duration("ORDER_WAIT", Duration.ofSeconds(2)),
            env.positiveDuration("ORDER_CALL_TIMEOUT", Duration.ofSeconds(2)),
            env.positiveDuration("ORDER_COMMITMENT_TTL", Duration.ofMinutes(10)),
            env.positiveDuration("ORDER_SAGA_LEASE", Duration.ofSeconds(15)),
            env.positiveDuration("ORDER_SAGA_POLL_INTERVAL", Duration.ofMillis(200)),
            env.duration("ORDER_CUSTOMER_MAX_STALENESS", min(Duration.ofMinutes(5), replicaTtl)));
    if (settings.customerBudget().compareTo(replicaTtl) > 0) {
      // As inventory holds a request's maxStaleness to it.
      throw new ConfigException(
          "ORDER_CUSTOMER_MAX_STALENESS ("
              + settings.customerBudget()
              + ") must not exceed REPLICA_TTL ("
              + replicaTtl
              + ")");
    }
    // The lease is renewed when a step's write lands: a call that outlasts it lets another worker
    // claim the saga and run the same step beside it.
    if (settings.lease().compareTo(settings.callTimeout()) <= 0) {
      throw new ConfigException(
          "ORDER_SAGA_LEASE ("
              + settings.lease()
              + ") must be longer than ORDER_CALL_TIMEOUT ("
              + settings.callTimeout()
              + ")");
    }
    // Inventory and users take a commitment's TTL in whole seconds, 1 to 86,400: outside that
    // every reservation would be a 400 and every order rejected.
    Duration ttl = settings.commitmentTtl();
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(1)) > 0) {
      throw new ConfigException("ORDER_COMMITMENT_TTL: expected PT1S to PT24H, got " + ttl);
    }
    // Reservations and holds must outlive every step before the pivot, or a slow saga would
    // confirm stock whose payment had already lapsed.
    if (settings.commitmentTtl().compareTo(settings.deadline()) <= 0) {
      throw new ConfigException(
          "ORDER_COMMITMENT_TTL ("
              + settings.commitmentTtl()
              + ") must be longer than ORDER_SAGA_DEADLINE ("
              + settings.deadline()
              + ")");
    }
    return settings;
  }

  private static String url(Env env, String name, String fallback) {
    URI uri = env.uri(name, fallback, "http", "https");
    return uri.toString().replaceAll("/+$", "");
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
