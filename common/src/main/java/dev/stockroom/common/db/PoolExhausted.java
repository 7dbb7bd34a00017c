package dev.stockroom.common.db;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;

/**
 * The pool gave no connection: its bounded wait queue was full, or no connection came free within
 * the pool's connection timeout. Back-pressure (a 503 to retry), not a bug.
 */
public final class PoolExhausted {
  /**
   * Vert.x 5.0's SqlConnectionPool fails a wait that outlived the connection timeout with a bare
   * {@code NoStackTraceThrowable("Timeout")} (an internal class; the message is its only mark) and
   * a query timed out inside the pool with a shared VertxException. DatabasePoolTest exhausts a
   * real pool, so a Vert.x upgrade that changes either fails there rather than turning overload
   * into 500s.
   */
  private static final String WAIT_TIMEOUT = "Timeout";

  private static final String QUERY_WAIT_TIMEOUT = "Timeout waiting for connection";

  private PoolExhausted() {}

  public static boolean is(Throwable failure) {
    return failure instanceof ConnectionPoolTooBusyException
        || (failure instanceof NoStackTraceThrowable && WAIT_TIMEOUT.equals(failure.getMessage()))
        || (failure instanceof VertxException && QUERY_WAIT_TIMEOUT.equals(failure.getMessage()));
  }
}
