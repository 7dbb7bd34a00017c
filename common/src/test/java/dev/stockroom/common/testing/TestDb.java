package dev.stockroom.common.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Plain JDBC against a service's database, to check what a test wrote (or did not). */
public final class TestDb {
  private TestDb() {}

  public static Connection connect(String pgUri) throws SQLException {
    // The test server's URIs carry user and password as query parameters, which JDBC reads too.
    return DriverManager.getConnection("jdbc:" + pgUri);
  }

  public static long count(String pgUri, String sql) {
    try (Connection c = connect(pgUri);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The first column of the first row as text, or null when there is no row. */
  public static String text(String pgUri, String sql) {
    try (Connection c = connect(pgUri);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public static int execute(String pgUri, String sql) {
    try (Connection c = connect(pgUri);
        Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
