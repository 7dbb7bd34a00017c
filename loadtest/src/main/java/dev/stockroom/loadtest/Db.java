package dev.stockroom.loadtest;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Blocking JDBC look-ups for the orchestrator: counts, accounting checks, EXPLAIN. */
public final class Db {
  private final String jdbcUrl;

  /** {@code uri} as the services get it: postgresql://host:port/db?user=..&password=.. */
  public Db(String uri) {
    this.jdbcUrl = "jdbc:" + uri;
  }

  public long scalar(String sql, Object... args) {
    List<Map<String, Object>> rows = query(sql, args);
    if (rows.isEmpty()) {
      return 0;
    }
    Object value = rows.get(0).values().iterator().next();
    return value == null ? 0 : ((Number) value).longValue();
  }

  public List<Map<String, Object>> query(String sql, Object... args) {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int k = 1; k <= n; k++) {
            row.put(rs.getMetaData().getColumnLabel(k), rs.getObject(k));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  /** Runs statements on one connection (e.g. SET then EXPLAIN); returns the last one's text. */
  public List<String> lines(List<String> statements) {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        var s = c.createStatement()) {
      List<String> out = new ArrayList<>();
      for (String sql : statements) {
        out.clear();
        if (s.execute(sql) && s.getResultSet() != null) {
          try (ResultSet rs = s.getResultSet()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("statements failed: " + e.getMessage(), e);
    }
  }
}
