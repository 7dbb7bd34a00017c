package dev.stockroom.common.db;

/**
 * A set of Flyway migrations with its own history table. A service's own schema uses the default
 * table; a shared mechanism (the outbox, the replica) versions its tables separately, so its
 * migrations never collide with the service's version numbers.
 */
public record Migrations(String location, String historyTable) {
  public static Migrations service(String location) {
    return new Migrations(location, "flyway_schema_history");
  }

  boolean isComponent() {
    return !"flyway_schema_history".equals(historyTable);
  }
}
