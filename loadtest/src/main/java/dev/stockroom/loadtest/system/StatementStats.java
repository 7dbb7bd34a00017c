package dev.stockroom.loadtest.system;

import dev.stockroom.loadtest.Db;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * What PostgreSQL spent its execution time on, statement by statement, in the services' databases
 * (pg_stat_statements, preloaded by {@link Infra}, tracking off once installed). A scenario turns
 * tracking on for its load only, so every other measurement runs without the bookkeeping, and reads
 * the counters right after, before the harness queries anything itself.
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

  /** Creates the extension's view and turns tracking off until a scenario starts it. */
  void install() {
    db.lines(List.of("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"));
    track("none");
  }

  /** Starts counting from zero. */
  public void start() {
    track("top");
    db.lines(List.of("SELECT pg_stat_statements_reset()"));
  }

  /** Stops counting and answers every statement since {@link #start()}, the costliest first. */
  public List<Statement> stop() {
    List<Statement> statements = read();
    track("none");
    return statements;
  }

  /**
   * Sets pg_stat_statements.track server-wide. The reload reaches the postmaster in its own time:
   * wait until a new session sees the value (open sessions take it at their next statement).
   */
  private void track(String value) {
    db.lines(
        List.of(
            "ALTER SYSTEM SET pg_stat_statements.track = '" + value + "'",
            "SELECT pg_reload_conf()"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!db.lines(List.of("SHOW pg_stat_statements.track")).equals(List.of(value))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("pg_stat_statements.track did not become " + value);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private List<Statement> read() {
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
