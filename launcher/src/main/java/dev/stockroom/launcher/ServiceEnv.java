package dev.stockroom.launcher;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment each in-process service gets: the launcher's base environment (so tuning knobs
 * such as {@code REPLICA_TTL} or {@code LOG_FORMAT} still work), overridden by what wires the local
 * system together. Exactly the variables a service jar reads when run alone.
 */
final class ServiceEnv {
  /** Who signs and who is trusted: decided by the launcher, never by the caller's shell. */
  static final List<String> TRUST =
      List.of(
          "JWT_SECRET",
          "JWT_PUBLIC_KEY",
          "JWT_PRIVATE_KEY",
          "JWT_KEY_ID",
          "JWT_JWKS_URL",
          "JWT_ISSUER",
          "JWT_AUDIENCE",
          "JWT_ROLES_CLAIM",
          "JWT_SERVICE_KEYS",
          "SERVICE_SIGNING_KEY",
          "SERVICE_SIGNING_KID",
          "SERVICE_TOKEN");

  private ServiceEnv() {}

  /** Where the three services listen, what they connect to, and the keys they trust. */
  record Wiring(
      String kafkaBootstrapServers,
      int users,
      int inventory,
      int orders,
      String jwksUrl,
      DevKeys keys) {

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
      Map<String, String> base, String service, int httpPort, String pgUri, Wiring wiring) {
    Map<String, String> env = new HashMap<>(base);
    // Key settings in the caller's shell would make the services refuse the tokens the launcher
    // prints, and a fixed service token (say one pasted from an earlier run) would expire under
    // the services' feet: locally, the launcher is the identity provider.
    for (String name : TRUST) {
      env.remove(name);
    }
    env.put("STOCKROOM_ENV", "dev");
    // As against an identity provider: the issuer's keys from a JWKS, and each caller's own key,
    // which can sign nothing but that caller's service token.
    env.put("JWT_JWKS_URL", wiring.jwksUrl());
    env.put("JWT_SERVICE_KEYS", wiring.keys().serviceKeysDir().toString());
    if (DevKeys.CALLERS.contains(service)) {
      env.put("SERVICE_SIGNING_KEY", wiring.keys().signingKey(service).toString());
      env.put("SERVICE_SIGNING_KID", service);
    }
    env.put("HTTP_PORT", String.valueOf(httpPort));
    // One value for the three services of this process would be bound by the first and refused to
    // the others; locally the API port serves the probes and metrics anyway.
    env.remove("HTTP_MANAGEMENT_PORT");
    env.put("PG_URI", pgUri);
    env.put("KAFKA_BOOTSTRAP_SERVERS", wiring.kafkaBootstrapServers());
    env.put("USERS_URL", wiring.usersUrl());
    env.put("INVENTORY_URL", wiring.inventoryUrl());
    // Locally nobody needs a load balancer to notice the drain: stop at once unless asked.
    env.putIfAbsent("SHUTDOWN_GRACE", "PT0S");
    return env;
  }
}
