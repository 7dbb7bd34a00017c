package dev.stockroom.common.testing;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.service.RunningService;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Starts and stops real services inside a test, against the shared test Postgres and Kafka, with
 * the same start-up chain as production.
 */
public final class TestServices {
  private TestServices() {}

  /** A dev-mode environment for one service: free port, its own fresh database, the test broker. */
  public static Map<String, String> env(String databasePrefix) {
    Map<String, String> env = new HashMap<>();
    env.put("STOCKROOM_ENV", "dev");
    env.put("JWT_SECRET", JwtConfig.DEV_SECRET);
    env.put("HTTP_PORT", Integer.toString(freePort()));
    env.put("HTTP_INSTANCES", "1");
    env.put("PG_URI", TestInfra.freshDatabase(databasePrefix));
    env.put("PG_POOL_SIZE", "4");
    env.put("KAFKA_BOOTSTRAP_SERVERS", TestInfra.kafka().bootstrapServers());
    env.put("SHUTDOWN_GRACE", "PT0S");
    env.put("SHUTDOWN_DRAIN_TIMEOUT", "PT5S");
    return env;
  }

  /**
   * Starts a service; when its port was taken between being picked and being bound (ports are
   * picked free, but any socket of the machine may take one meanwhile), with another free port.
   */
  public static RunningService start(
      Function<Map<String, String>, Future<RunningService>> starter, Map<String, String> env) {
    for (int attempt = 1; ; attempt++) {
      try {
        return await(starter.apply(env), Duration.ofSeconds(60));
      } catch (IllegalStateException e) {
        if (attempt == 3 || !portTaken(e) || !env.containsKey("HTTP_PORT")) {
          throw e;
        }
        env.put("HTTP_PORT", Integer.toString(freePort()));
      }
    }
  }

  private static boolean portTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }

  public static void stop(RunningService service) {
    if (service != null) {
      await(service.stop(), Duration.ofSeconds(30));
    }
  }

  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("did not complete within " + timeout, e);
    } catch (Exception e) {
      throw new IllegalStateException("failed: " + e, e);
    }
  }

  public static int freePort() {
    return FreePorts.next();
  }
}
