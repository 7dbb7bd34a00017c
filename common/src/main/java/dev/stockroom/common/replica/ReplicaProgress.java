package dev.stockroom.common.replica;

import dev.stockroom.common.db.Database;
import dev.stockroom.common.service.ServiceContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
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
  private final String channel;
  private final AppliedWatermarks watermarks;
  private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();
  private volatile PgConnection session;
  private volatile boolean stopped;

  private record Waiter(Context context, Promise<Void> woken) {}

  /**
   * A place among the waiting reads: {@code woken} completes at the next batch applied anywhere or
   * at the wait's end; {@code cancel} gives the place up.
   */
  record Wait(Future<Void> woken, Runnable cancel) {}

  /** Deploy it (once per process); reads may wait as soon as its session is up. */
  public ReplicaProgress(ServiceContext ctx, ReplicaSchema schema) {
    this(Database.connectOptions(ctx.config()), schema);
  }

  ReplicaProgress(PgConnectOptions options, ReplicaSchema schema) {
    this.options = options;
    this.channel = channel(schema);
    this.watermarks = new AppliedWatermarks(schema);
  }

  /**
   * Started once the first attempt to listen has ended: when it succeeded, the applied watermarks
   * are loaded before any read asks for them. A failed attempt does not fail the start (it is tried
   * again); until then reads claim only their rows' own sync times.
   */
  @Override
  public Future<?> start() {
    return listen();
  }

  /** The watermarks applied to this replica, as this process last heard of them. */
  public AppliedWatermarks watermarks() {
    return watermarks;
  }

  /**
   * In the consumer's apply transaction: delivered to every listener when it commits, with the
   * watermarks the batch applied ({@code partition:microseconds since the epoch}, comma-separated;
   * a few bytes a partition, far below NOTIFY's 8,000).
   */
  static Future<Void> notify(SqlClient tx, ReplicaSchema schema, Map<Integer, Instant> applied) {
    StringBuilder payload = new StringBuilder();
    applied.forEach(
        (partition, at) ->
            payload
                .append(payload.length() == 0 ? "" : ",")
                .append(partition)
                .append(':')
                .append(
                    Math.addExact(
                        Math.multiplyExact(at.getEpochSecond(), 1_000_000L),
                        at.getNano() / 1_000)));
    return tx.preparedQuery("SELECT pg_notify($1, $2)")
        .execute(Tuple.of(channel(schema), payload.toString()))
        .mapEmpty();
  }

  /** The payload {@link #notify} writes; nothing from a payload it cannot read. */
  static Map<Integer, Instant> applied(String payload) {
    Map<Integer, Instant> applied = new HashMap<>();
    if (payload == null || payload.isEmpty()) {
      return applied;
    }
    try {
      for (String entry : payload.split(",")) {
        int colon = entry.indexOf(':');
        long micros = Long.parseLong(entry.substring(colon + 1));
        applied.put(
            Integer.parseInt(entry.substring(0, colon)),
            Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L));
      }
    } catch (RuntimeException e) {
      log.warn("replica progress: unreadable notification payload, ignored: {}", e.toString());
      return Map.of();
    }
    return applied;
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
    // LISTEN first, then load: a batch committed in between is in the load or notified, or both.
    return PgConnection.connect(vertx, options)
        .compose(c -> c.query("LISTEN " + channel).execute().map(c))
        .compose(c -> watermarks.load(c).map(c).onFailure(e -> c.close()))
        .onSuccess(
            c -> {
              c.notificationHandler(
                  n -> {
                    watermarks.raise(applied(n.getPayload()));
                    waiting.forEach(this::wake);
                  });
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
