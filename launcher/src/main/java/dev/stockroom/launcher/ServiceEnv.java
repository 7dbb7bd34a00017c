package dev.stockroom.launcher;

import dev.stockroom.common.auth.JwtConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment each in-process service gets: the launcher's base environment (so tuning knobs
 * such as {@code REPLICA_TTL} or {@code LOG_FORMAT} still work), overridden by what wires the local
 * system together. Exactly the variables a service jar reads when run alone.
 */
final class ServiceEnv {
  private ServiceEnv() {}

  /** Where the three services listen and what they connect to. */
  record Wiring(String kafkaBootstrapServers, int users, int inventory, int orders) {

    String usersUrl() {
      return "http://localhost:" + users;
    }

    String inventoryUrl() {
      return "http://localhost:" + inventory;
    }

    String ordersUrl() {
      return "http://localhost:" + orders;
    }
  }

  static Map<String, String> forService(
      Map<String, String> base, int httpPort, String pgUri, Wiring wiring) {
    Map<String, String> env = new HashMap<>(base);
    // A key pair in the caller's shell would switch the services to RS256, and the dev tokens the
    // launcher prints would then be refused.
    env.remove("JWT_PUBLIC_KEY");
    env.remove("JWT_PRIVATE_KEY");
    // Likewise a fixed service token (say one pasted from an earlier run) would expire under the
    // services' feet; with the dev secret they mint their own.
    env.remove("SERVICE_TOKEN");
    env.put("STOCKROOM_ENV", "dev");
    env.put("JWT_SECRET", JwtConfig.DEV_SECRET);
    env.put("HTTP_PORT", String.valueOf(httpPort));
    env.put("PG_URI", pgUri);
    env.put("KAFKA_BOOTSTRAP_SERVERS", wiring.kafkaBootstrapServers());
    env.put("USERS_URL", wiring.usersUrl());
    env.put("INVENTORY_URL", wiring.inventoryUrl());
    // Locally nobody needs a load balancer to notice the drain: stop at once unless asked.
    env.putIfAbsent("SHUTDOWN_GRACE", "PT0S");
    return env;
  }
}
