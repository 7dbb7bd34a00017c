package dev.stockroom.loadtest.system;

import dev.stockroom.loadtest.Db;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What PostgreSQL spent its execution time on, statement by statement, in the services' databases
 * (pg_stat_statements, preloaded by {@link Infra}). Counters are server-wide, so a scenario resets
 * them before its load and reads them right after, before the harness queries anything itself.
 */
public final class StatementStats {
  /** One normalised statement ($1, $2 … for the parameters) and what it cost in one database. */
  public record Statement(
      String database, String query, long calls, double execMillis, long rows) {}

  private static final String READ =
      "SELECT d.datname AS database, s.query, s.calls, s.total_exec_time, s.rows"
          + " FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
          + " WHERE d.datname IN ("
          + Infra.DATABASES.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "))
          + ") ORDER BY s.total_exec_time DESC";

  private final Db db;

  StatementStats(String postgresDatabaseUri) {
    this.db = new Db(postgresDatabaseUri);
  }

  void install() {
    db.lines(List.of("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"));
  }

  public void reset() {
    db.lines(List.of("SELECT pg_stat_statements_reset()"));
  }

  /** Every statement since the last reset, the costliest first. */
  public List<Statement> read() {
    return db.query(READ).stream()
        .map(
            row ->
                new Statement(
                    (String) row.get("database"),
                    (String) row.get("query"),
                    ((Number) row.get("calls")).longValue(),
                    ((Number) row.get("total_exec_time")).doubleValue(),
                    ((Number) row.get("rows")).longValue()))
        .toList();
  }
}
