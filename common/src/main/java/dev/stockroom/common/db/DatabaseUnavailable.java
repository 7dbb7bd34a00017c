package dev.stockroom.common.db;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;

/**
 * Failures that mean "PostgreSQL cannot be reached right now" (a restart, a failover, the network,
 * a statement that waited past its timeout) rather than a bug: the request did nothing and may be
 * retried, so it is answered 503.
 */
public final class DatabaseUnavailable {
  private DatabaseUnavailable() {}

  public static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // A refused connection, one reset mid-query, and one reset while a new connection's
      // startup message is written (PostgreSQL restarted or failed over under the request; each
      // found by the chaos run): all "retry". NIO reports the last as a plain IOException.
      if (t instanceof ClosedConnectionException || t instanceof IOException) {
        return true;
      }
      if (t instanceof PgException pg && isConnectionState(pg.getSqlState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Class 08 (connection exception), 57P01-03 (admin/crash shutdown, cannot connect now), 57014
   * (canceled: PG_STATEMENT_TIMEOUT ran out, typically waiting on a lock held elsewhere) and 55P03
   * (lock not available).
   */
  private static boolean isConnectionState(String sqlState) {
    return sqlState != null
        && (sqlState.startsWith("08")
            || sqlState.matches("57P0[123]")
            || sqlState.equals("57014")
            || sqlState.equals("55P03"));
  }
}
