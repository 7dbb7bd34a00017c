package dev.stockroom.common.replica;

import dev.stockroom.common.db.Database;
import dev.stockroom.common.service.ServiceContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the reads that wait for the local copy to reach a consistency token. The replica consumer
 * of whichever instance owns a partition notifies at the commit of every batch it applies ({@code
 * pg_notify}); each instance LISTENs on one session of its own and wakes its waiting reads, which
 * then look at their rows once more. A read waits on one timer, never polls; how many may wait at
 * once is bounded, and beyond that a read goes to the owner at once.
 */
public final class ReplicaProgress extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ReplicaProgress.class);
  private static final int MAX_WAITING = 1024;

  private final PgConnectOptions options;
  private final Pool pool;
  private final String channel;
  private final AppliedWatermarks watermarks;
  private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();
  private volatile PgConnection session;
  private volatile boolean stopped;
  private WatermarkRefresh refresh;
  private boolean listenedBefore;

  private record Waiter(Context context, Promise<Void> woken) {}

  /**
   * A place among the waiting reads: {@code woken} completes at the next batch applied anywhere or
   * at the wait's end; {@code cancel} gives the place up.
   */
  record Wait(Future<Void> woken, Runnable cancel) {}

  /** Deploy it (once per process); reads may wait as soon as its session is up. */
  public ReplicaProgress(ServiceContext ctx, ReplicaSchema schema) {
    this(Database.connectOptions(ctx.config()), ctx.pool(), schema);
  }

  ReplicaProgress(PgConnectOptions options, Pool pool, ReplicaSchema schema) {
    this.options = options;
    this.pool = pool;
    this.channel = channel(schema);
    this.watermarks = new AppliedWatermarks(schema);
  }

  /**
   * Listens, then reads the applied watermarks before any read asks for them (a failed read does
   * not fail the start: reads claim only their rows' own sync times until the next one), then,
   * every {@link #TICK_MS}, reads them again and checks that the listening session still answers:
   * one gone half-open without a close would otherwise wake nobody and hear of no batch, for good.
   */
  @Override
  public Future<?> start() {
    refresh = new WatermarkRefresh(vertx, pool, watermarks);
    return listen()
        .compose(v -> refresh.request())
        .onComplete(v -> vertx.setPeriodic(TICK_MS, id -> tick()));
  }

  private static final long TICK_MS = 1000;

  private void tick() {
    refresh.request();
    PgConnection c = session;
    if (c == null) {
      return;
    }
    long timer =
        vertx.setTimer(
            WatermarkRefresh.GIVE_UP_MS,
            id -> {
              log.warn("replica progress: the listening session does not answer; listening anew");
              c.close();
            });
    c.query("SELECT 1")
        .execute()
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              if (ar.failed()) {
                c.close();
              }
            });
  }

  /** The watermarks applied to this replica, as this process last read them. */
  public AppliedWatermarks watermarks() {
    return watermarks;
  }

  /**
   * In the consumer's apply transaction: delivered to every listener when it commits. It carries
   * nothing: the listeners read the watermarks from the table, which only this service's role
   * writes; anyone who can connect may send a notification.
   */
  static Future<Void> notify(SqlClient tx, ReplicaSchema schema) {
    return tx.preparedQuery("SELECT pg_notify($1, '')")
        .execute(Tuple.of(channel(schema)))
        .mapEmpty();
  }

  private static String channel(ReplicaSchema schema) {
    // A table name from configuration, never from input: safe as an identifier.
    return "replica_progress_" + schema.table();
  }

  /**
   * Waits for the next batch applied by any instance, or {@code timeoutMillis}; empty when the read
   * cannot wait here (too many waiting, or not listening right now). Take the place BEFORE looking
   * at the rows: a batch applied between the look and the wait would wake nobody.
   */
  Optional<Wait> next(long timeoutMillis) {
    if (session == null || waiting.size() >= MAX_WAITING || timeoutMillis <= 0) {
      return Optional.empty();
    }
    Context context = vertx.getOrCreateContext();
    Waiter waiter = new Waiter(context, Promise.promise());
    waiting.add(waiter);
    long timer = vertx.setTimer(timeoutMillis, id -> wake(waiter));
    Future<Void> woken = waiter.woken().future().onComplete(v -> vertx.cancelTimer(timer));
    return Optional.of(new Wait(woken, () -> wake(waiter)));
  }

  /** Whether reads can wait here now (its session listens). */
  boolean listening() {
    return session != null;
  }

  private void wake(Waiter waiter) {
    if (waiting.remove(waiter)) {
      waiter.context().runOnContext(v -> waiter.woken().tryComplete());
    }
  }

  private Future<Void> listen() {
    if (stopped) {
      return Future.succeededFuture();
    }
    // The handler before LISTEN, the reload after it: a batch committed meanwhile is notified.
    return PgConnection.connect(vertx, options)
        .map(
            c ->
                c.notificationHandler(
                    n -> {
                      refresh.request();
                      waiting.forEach(this::wake);
                    }))
        .compose(c -> c.query("LISTEN " + channel).execute().map(c))
        .onSuccess(
            c -> {
              // Listening anew: what was committed while nobody listened is read now. The first
              // time, start() reads.
              if (listenedBefore) {
                refresh.request();
              }
              listenedBefore = true;
              // Without a handler the client prints the failure to stderr; the close that
              // follows it listens again.
              c.exceptionHandler(e -> log.debug("progress listener failed: {}", e.toString()));
              c.closeHandler(
                  v -> {
                    session = null;
                    if (!stopped) {
                      vertx.setTimer(1000, id -> listen());
                    }
                  });
              session = c;
            })
        .onFailure(
            e -> {
              log.debug("cannot listen for replica progress yet: {}", e.toString());
              if (!stopped) {
                vertx.setTimer(1000, id -> listen());
              }
            })
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    waiting.forEach(this::wake);
    PgConnection c = session;
    session = null;
    return c == null ? Future.succeededFuture() : c.close();
  }
}
