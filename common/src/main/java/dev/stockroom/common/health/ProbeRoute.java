package dev.stockroom.common.health;

/**
 * The probe routes every service serves, and whether each checks the service's dependencies: a
 * pod's liveness and startup probes must use one that does not (a database outage must not get pods
 * restarted), its readiness probe the one that does. The manifests' tests read this; users' {@code
 * StartWithoutDependenciesTest} shows each route behaving as declared with PostgreSQL down.
 */
public enum ProbeRoute {
  LIVE("/health/live", false),
  READY("/health/ready", true);

  private final String path;
  private final boolean checksDependencies;

  ProbeRoute(String path, boolean checksDependencies) {
    this.path = path;
    this.checksDependencies = checksDependencies;
  }

  public String path() {
    return path;
  }

  public boolean checksDependencies() {
    return checksDependencies;
  }
}
