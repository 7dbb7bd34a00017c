package dev.stockroom.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;

/**
 * The plan PostgreSQL runs a prepared statement with once it uses a generic plan (inventory always
 * does; users and orders after five executions on a connection), as EXPLAIN shows it, without
 * running it. Tests use it to show that a one-row statement stays on its primary key while the
 * statistics are stale, e.g. taken when nothing was in flight.
 */
public final class GenericPlans {
  private GenericPlans() {}

  /** A fresh database with one service's Flyway migrations applied. */
  public static String migratedDatabase(String prefix, String location) {
    String uri = TestInfra.freshDatabase(prefix);
    Flyway.configure()
        .dataSource("jdbc:" + uri, null, null)
        .locations("classpath:" + location)
        .load()
        .migrate();
    return uri;
  }

  /**
   * Statistics that predate a backlog: the rows {@code analyzed} inserts are analyzed, the ones
   * {@code unseen} inserts afterwards are not, as after a quiet start followed by load.
   */
  public static void staleStatistics(String pgUri, String table, String analyzed, String unseen) {
    TestDb.execute(pgUri, analyzed);
    TestDb.execute(pgUri, "ANALYZE " + table);
    TestDb.execute(pgUri, unseen);
  }

  /** Each statement's generic plan reads {@code primaryKey} and no other index. */
  public static void assertReadsOnly(
      String pgUri, String primaryKey, String types, String args, String... statements) {
    for (String sql : statements) {
      assertThat(indexesRead(pgUri, sql, types, args)).as(sql).containsExactly(primaryKey);
    }
  }

  /**
   * The generic plan of {@code sql} reads {@code index} and scans no table from end to end: what it
   * costs follows what the index holds (live rows, rows due), not the size of the table.
   */
  public static void assertBoundedBy(
      String pgUri, String index, String sql, String types, String args) {
    Set<String> read = plan(pgUri, sql, types, args);
    assertThat(read).as(sql).contains(index).noneMatch(node -> node.startsWith("Seq Scan"));
  }

  /** The indexes the generic plan of {@code sql} reads; {@code types} and {@code args} in SQL. */
  public static Set<String> indexesRead(String pgUri, String sql, String types, String args) {
    Set<String> read = new TreeSet<>(plan(pgUri, sql, types, args));
    read.removeIf(node -> node.startsWith("Seq Scan"));
    return read;
  }

  /** Index names, and "Seq Scan on <table>" for each table read from end to end. */
  private static Set<String> plan(String pgUri, String sql, String types, String args) {
    String parameters = types.isEmpty() ? "" : "(" + types + ")";
    String arguments = args.isEmpty() ? "" : "(" + args + ")";
    try (Connection c = TestDb.connect(pgUri);
        Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = force_generic_plan");
      s.execute("PREPARE checked" + parameters + " AS " + sql);
      try (ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON) EXECUTE checked" + arguments)) {
        rs.next();
        Set<String> nodes = new TreeSet<>();
        collect(new JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("Plan"), nodes);
        return nodes;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not explain " + sql, e);
    }
  }

  private static void collect(JsonObject node, Set<String> nodes) {
    if (node.containsKey("Index Name")) {
      nodes.add(node.getString("Index Name"));
    }
    if ("Seq Scan".equals(node.getString("Node Type"))) {
      nodes.add("Seq Scan on " + node.getString("Relation Name"));
    }
    JsonArray children = node.getJsonArray("Plans", new JsonArray());
    for (int i = 0; i < children.size(); i++) {
      collect(children.getJsonObject(i), nodes);
    }
  }
}
