package dev.stockroom.loadtest.system;

import dev.stockroom.common.auth.JwtConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The environment a benchmarked service starts with: production's variables, local addresses. */
public final class ServiceEnv {
  private static final String EVERY_SERVICE_PREFIX = "BENCH_SERVICE_";

  private ServiceEnv() {}

  /** A service's whole environment, as production would set it, pointing at these addresses. */
  public static Map<String, String> of(
      String service, int port, String pgUri, String kafka, String usersUrl, String inventoryUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("STOCKROOM_ENV", "dev");
    env.put("JWT_SECRET", JwtConfig.DEV_SECRET);
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("PG_URI", pgUri);
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
    env.put("USERS_URL", usersUrl);
    env.put("INVENTORY_URL", inventoryUrl);
    env.put("SHUTDOWN_GRACE", "PT0S");
    env.put("LOG_LEVEL", System.getenv().getOrDefault("LOG_LEVEL", "WARN"));
    // Tuning without a rebuild: BENCH_SERVICE_PG_POOL_SIZE=16 reaches every service as
    // PG_POOL_SIZE, BENCH_INVENTORY_PG_POOL_SIZE=16 inventory alone (and wins over the first).
    String own = "BENCH_" + service.toUpperCase(Locale.ROOT) + "_";
    for (String prefix : List.of(EVERY_SERVICE_PREFIX, own)) {
      System.getenv().entrySet().stream()
          .filter(e -> e.getKey().startsWith(prefix))
          .forEach(e -> env.put(e.getKey().substring(prefix.length()), e.getValue()));
    }
    return env;
  }
}
