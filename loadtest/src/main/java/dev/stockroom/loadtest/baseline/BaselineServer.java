package dev.stockroom.loadtest.baseline;

import dev.stockroom.common.replica.AppliedWatermarks;
import dev.stockroom.common.replica.Freshness;
import dev.stockroom.common.replica.LocalRow;
import dev.stockroom.common.replica.ReplicaEntry;
import dev.stockroom.common.replica.ReplicaStore;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.inventory.report.Cursor;
import dev.stockroom.inventory.report.LowStockPage;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The bare baseline: inventory's own low-stock SQL (read from {@code LowStockQuery.SQL}, so it
 * cannot drift) against the same database, answering the same JSON shape, with nothing around it:
 * no auth, no OpenAPI validation, no router, no metrics, no freshness budget, no owner fallback.
 * Two verticles sharing one pool of 8 with the prepared statement cache, as in perf-notes.md; with
 * {@code PG_PLAN_CACHE_MODE} set, every connection runs with that {@code plan_cache_mode}.
 *
 * <p>With {@code BASELINE_SQL=split} it runs a what-if variant instead: the same SQL without the
 * stocker filter's {@code ($4 IS NULL OR ...)} (only a one-time {@code $4 IS NULL} check remains),
 * which is what the report could send when no filter is asked for.
 *
 * <p>With {@code BASELINE_SQL=plain} it answers the page the way a plain service in any stack would
 * ({@link PlainJoin}): the minimal join, no watermarks, no filter, no keyset, and a body with only
 * what a client needs. It is the yardstick for "as fast as the obvious implementation".
 *
 * <p>With {@code BASELINE_POOLS=per-loop} each verticle has its own pool (a share of the 8, opened
 * on its event loop), as the services have theirs ({@code LoopLocalPool}); by default the verticles
 * share one pool, as the obvious server would.
 *
 * <p>Environment: {@code PG_URI}, {@code HTTP_PORT}, optional {@code BASELINE_VERTICLES} (2),
 * {@code BASELINE_POOL_SIZE} (8), {@code PG_PLAN_CACHE_MODE}, {@code BASELINE_SQL}
 * (same|split|plain), {@code BASELINE_POOLS} (shared|per-loop).
 */
public final class BaselineServer {
  private BaselineServer() {}

  /** inventory's report SQL, taken from the class itself. */
  public static String lowStockSql() {
    try {
      Class<?> query = Class.forName("dev.stockroom.inventory.report.LowStockQuery");
      Field sql = query.getDeclaredField("SQL");
      sql.setAccessible(true);
      return (String) sql.get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "inventory's LowStockQuery.SQL moved: the baseline must run the same SQL", e);
    }
  }

  static final String STOCKER_FILTER = "AND ($4::text IS NULL OR lower(r.name) LIKE $4)";

  /** The what-if SQL: inventory's, without the stocker filter (for requests that ask for none). */
  public static String splitSql() {
    String sql = lowStockSql();
    if (!sql.contains(STOCKER_FILTER)) {
      throw new IllegalStateException("inventory's report SQL changed: no stocker filter to split");
    }
    return sql.replace(STOCKER_FILTER, "AND $4::text IS NULL");
  }

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    String uri = required(env, "PG_URI");
    int port = Integer.parseInt(required(env, "HTTP_PORT"));
    int verticles = Integer.parseInt(env.getOrDefault("BASELINE_VERTICLES", "2"));
    int poolSize = Integer.parseInt(env.getOrDefault("BASELINE_POOL_SIZE", "8"));
    String planMode = env.get("PG_PLAN_CACHE_MODE");

    Vertx vertx = Vertx.vertx();
    PgConnectOptions connect =
        PgConnectOptions.fromUri(uri)
            .setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(256)
            .setPipeliningLimit(256);
    if (planMode != null && !planMode.isBlank()) {
      connect.addProperty("plan_cache_mode", planMode);
    }
    boolean perLoop = "per-loop".equals(env.get("BASELINE_POOLS"));
    Pool shared = perLoop ? null : pool(vertx, connect, poolSize);
    // A verticle's own pool opens its connections on the verticle's event loop.
    Supplier<Pool> pools = () -> perLoop ? pool(vertx, connect, poolSize / verticles) : shared;
    String mode = env.getOrDefault("BASELINE_SQL", "same");
    String sql = "split".equals(mode) ? splitSql() : lowStockSql();
    vertx
        .deployVerticle(
            () ->
                "plain".equals(mode)
                    ? new PlainJoin(pools.get(), port)
                    : new Api(pools.get(), sql, port),
            new DeploymentOptions().setInstances(verticles))
        .onSuccess(
            id ->
                System.out.println(
                    "baseline ready on http://localhost:"
                        + port
                        + " ("
                        + mode
                        + " SQL, "
                        + verticles
                        + " verticles, pool "
                        + poolSize
                        + (perLoop ? " split per verticle" : "")
                        + ", plan_cache_mode "
                        + (planMode == null ? "default" : planMode)
                        + ")"))
        .onFailure(
            e -> {
              e.printStackTrace();
              System.exit(1);
            });
  }

  private static Pool pool(Vertx vertx, PgConnectOptions connect, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(512))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  private static String required(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      System.err.println("baseline: " + name + " is required");
      System.exit(2);
    }
    return v;
  }

  static final class Api extends VerticleBase {
    private final Pool pool;
    private final String sql;
    private final int port;
    private final ReplicaStore replica;
    // Loaded once: the bare server passes a snapshot per request as inventory does, but nothing
    // keeps it current (its answers' freshness is not what is measured).
    private final AppliedWatermarks watermarks = new AppliedWatermarks(InventoryService.USERS);

    Api(Pool pool, String sql, int port) {
      this.pool = pool;
      this.replica = new ReplicaStore(pool, InventoryService.USERS);
      this.sql = sql;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      return watermarks
          .load(pool)
          .compose(v -> vertx.createHttpServer().requestHandler(this::handle).listen(port));
    }

    private void handle(HttpServerRequest request) {
      String path = request.path();
      if (path.equals("/items/low-stock")) {
        lowStock(request);
      } else if (path.startsWith("/health/")) {
        request.response().end("{\"status\":\"UP\"}");
      } else {
        request.response().setStatusCode(404).end();
      }
    }

    private void lowStock(HttpServerRequest request) {
      MultiMap q = request.params();
      int below = intParam(q, "below", 5);
      int limit = intParam(q, "limit", 50);
      int afterQuantity = -1;
      String afterSku = "";
      String after = q.get("after");
      if (after != null) {
        String text = new String(Base64.getUrlDecoder().decode(after), StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        afterQuantity = Integer.parseInt(text.substring(0, colon));
        afterSku = text.substring(colon + 1);
      }
      String stocker = q.get("stocker");
      String pattern =
          stocker == null
              ? null
              : stocker
                      .toLowerCase(Locale.ROOT)
                      .replace("\\", "\\\\")
                      .replace("%", "\\%")
                      .replace("_", "\\_")
                  + "%";
      AppliedWatermarks.Snapshot applied = watermarks.snapshot();
      pool.preparedQuery(sql)
          .execute(
              Tuple.of(below, afterQuantity, afterSku, pattern, limit)
                  .addArrayOfOffsetDateTime(applied.watermarks())
                  .addOffsetDateTime(applied.since()))
          .onSuccess(
              rows -> {
                List<Row> page = new ArrayList<>();
                rows.forEach(page::add);
                Map<UUID, ReplicaEntry> stockers = new HashMap<>();
                if (!page.isEmpty()) {
                  int stockedByColumn = page.get(0).getColumnIndex("last_stocked_by");
                  ReplicaStore.RowReader copy = replica.reader(page.get(0), "s_");
                  for (Row row : page) {
                    UUID stockedBy = row.getUUID(stockedByColumn);
                    if (stockedBy != null) {
                      stockers.put(stockedBy, stocker(stockedBy, row, copy));
                    }
                  }
                }
                request
                    .response()
                    .putHeader("Content-Type", "application/json")
                    .end(
                        LowStockPage.render(
                            page,
                            stockers,
                            page.size() == limit ? Cursor.of(page.get(page.size() - 1)) : null,
                            null));
              })
          .onFailure(
              e -> request.response().setStatusCode(500).end(String.valueOf(e.getMessage())));
    }

    /** What the replica holds, claimed current as of its row: no budget, no fallback. */
    private static ReplicaEntry stocker(UUID id, Row row, ReplicaStore.RowReader copy) {
      if (!copy.present(row)) {
        return new ReplicaEntry(id, null, new Freshness(Freshness.NONE, null, true));
      }
      LocalRow local = copy.read(row);
      return new ReplicaEntry(
          id, local.data(), new Freshness(Freshness.REPLICA, local.asOf(), false));
    }

    private static int intParam(MultiMap q, String name, int fallback) {
      String v = q.get(name);
      return v == null ? fallback : Integer.parseInt(v);
    }
  }
}
