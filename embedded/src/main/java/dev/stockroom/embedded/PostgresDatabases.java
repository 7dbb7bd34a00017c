package dev.stockroom.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Creates and drops databases of a PostgreSQL server, through its {@code postgres} database. */
final class PostgresDatabases {
  private final DataSource postgres;

  PostgresDatabases(DataSource postgres) {
    this.postgres = postgres;
  }

  void createIfMissing(String name) {
    try (Connection c = postgres.getConnection();
        Statement s = c.createStatement()) {
      try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = " + literal(name))) {
        if (rs.next()) {
          return;
        }
      }
      s.execute("CREATE DATABASE " + identifier(name));
    } catch (SQLException e) {
      if (!"42P04".equals(e.getSQLState())) { // duplicate_database: another caller won the race
        throw new IllegalStateException("Could not create database " + name, e);
      }
    }
  }

  void createFromTemplate(String name, String template) {
    execute("CREATE DATABASE " + identifier(name) + " TEMPLATE " + identifier(template));
  }

  void drop(String name) {
    execute("DROP DATABASE IF EXISTS " + identifier(name) + " WITH (FORCE)");
  }

  private void execute(String sql) {
    try (Connection c = postgres.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("Failed: " + sql, e);
    }
  }

  private static String identifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String literal(String value) {
    return '\'' + value.replace("'", "''") + '\'';
  }
}
