package dev.stockroom.launcher;

import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code dev} and {@code infra} start and where. The command line fills it with the standard
 * ports; tests use free ports and a temporary directory so they never clash with a running system.
 *
 * @param demo seed demo users, items and restocks through the HTTP APIs
 * @param fresh wipe the data directory's PostgreSQL, Kafka and demo state first
 * @param dataDir holds {@code pg/}, {@code kafka/} and the demo state, kept between runs
 * @param ports where to listen
 * @param baseEnv environment passed on to the services (tuning knobs such as {@code REPLICA_TTL});
 *     the launcher overrides what wires the system together
 * @param instances how many of each service: 1 runs them in this JVM; more runs each instance as a
 *     JVM of its own behind a balancer on the service's port ({@link LocalInstances})
 */
public record LauncherOptions(
    boolean demo,
    boolean fresh,
    Path dataDir,
    Ports ports,
    Map<String, String> baseEnv,
    int instances) {

  public static final Path DEFAULT_DATA_DIR = Path.of(".stockroom");

  public LauncherOptions {
    dataDir = dataDir.toAbsolutePath().normalize();
    baseEnv = Map.copyOf(baseEnv);
    if (instances < 1 || instances > LocalInstances.MAX) {
      throw new UsageException("--instances: 1 to " + LocalInstances.MAX);
    }
  }

  public LauncherOptions(
      boolean demo, boolean fresh, Path dataDir, Ports ports, Map<String, String> baseEnv) {
    this(demo, fresh, dataDir, ports, baseEnv, 1);
  }

  /**
   * @param postgres preferred PostgreSQL port; another free one is used when taken ({@code 0}: any)
   * @param kafka preferred Kafka port; another free one is used when taken ({@code 0}: any)
   * @param users the users service's HTTP port; must be free (clients are told these ports)
   * @param jwks preferred port of the local JWKS the services verify tokens with ({@code 0}: any)
   */
  public record Ports(int postgres, int kafka, int users, int inventory, int orders, int jwks) {
    public static Ports standard() {
      return new Ports(5432, 9092, 8081, 8082, 8083, 8090);
    }
  }
}
