package dev.stockroom.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.config.PlatformDefaults;
import dev.stockroom.common.testing.TestInfra;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The service's database pool")
class DatabasePoolTest {
  private static final String QUERY = "SELECT count(*) FROM pg_class WHERE relpages >= $1";

  @Test
  @DisplayName("PG_PLAN_CACHE_MODE reaches PostgreSQL: prepared statements run on a generic plan")
  void forcedGenericPlans(Vertx vertx) throws Exception {
    Row counts =
        plansAfterSixRuns(vertx, config(Map.of("PG_PLAN_CACHE_MODE", "force_generic_plan")));
    assertThat(counts.getLong("custom_plans")).isZero();
    assertThat(counts.getLong("generic_plans")).isEqualTo(6);
  }

  @Test
  @DisplayName("by default PostgreSQL chooses (auto): the first executions are planned each time")
  void autoByDefault(Vertx vertx) throws Exception {
    Row counts = plansAfterSixRuns(vertx, config(Map.of()));
    assertThat(counts.getLong("custom_plans")).isGreaterThanOrEqualTo(5);
  }

  @Test
  @DisplayName("a service sets its own default, and a bad value fails at start naming the choices")
  void serviceDefaultAndValidation() {
    PlatformConfig inventoryLike =
        PlatformConfig.from(
            env(Map.of()),
            "inventory",
            8082,
            PlatformDefaults.STANDARD.withPlanCacheMode(PlanCacheMode.FORCE_GENERIC_PLAN));
    assertThat(inventoryLike.pgPlanCacheMode()).isEqualTo(PlanCacheMode.FORCE_GENERIC_PLAN);
    assertThat(config(Map.of("PG_PLAN_CACHE_MODE", "AUTO")).pgPlanCacheMode())
        .isEqualTo(PlanCacheMode.AUTO);
    assertThatThrownBy(() -> config(Map.of("PG_PLAN_CACHE_MODE", "generic")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "PG_PLAN_CACHE_MODE: expected one of auto, force_generic_plan, force_custom_plan,"
                + " got 'generic'");
  }

  @Test
  @DisplayName(
      "a pool with no connection free for its whole connection timeout fails in a way that"
          + " PoolExhausted recognises (a 503 to retry), for single queries and transactions")
  void exhaustedPoolIsRecognised(Vertx vertx) throws Exception {
    PlatformConfig config = config(Map.of("PG_POOL_SIZE", "1", "PG_POOL_WAIT_QUEUE", "4"));
    Pool pool = Database.pool(vertx, config);
    try {
      SqlConnection held = await(pool.getConnection());
      Future<?> query = pool.query("SELECT 1").execute();
      Future<?> transaction = pool.withTransaction(c -> c.query("SELECT 1").execute());
      for (Future<?> waiting : List.of(query, transaction)) {
        Throwable failure = await(waiting.map(ok -> (Throwable) null).otherwise(e -> e));
        assertThat(failure).as("no connection was free").isNotNull();
        assertThat(PoolExhausted.is(failure)).as(String.valueOf(failure)).isTrue();
      }
      held.close();
    } finally {
      await(pool.close());
    }
  }

  @Test
  @DisplayName(
      "each event loop's statements run on that loop's own connections: a share of PG_POOL_SIZE,"
          + " never a connection another loop uses")
  void oneShareOfConnectionsPerEventLoop(Vertx vertx) throws Exception {
    Pool pool = Database.pool(vertx, config(Map.of("PG_POOL_SIZE", "8")));
    int loops = 0;
    for (var ignored : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops++;
    }
    try {
      List<Context> contexts = new ArrayList<>();
      Set<Object> seen = new HashSet<>();
      while (contexts.size() < 2) {
        ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
        if (seen.add(context.nettyEventLoop())) {
          contexts.add(context);
        }
      }
      // Both loops at once, more statements than connections: a shared pool hands connections
      // freed by one loop to the other's waiters.
      List<Future<Set<Integer>>> backends =
          contexts.stream().map(context -> backendsUsedFrom(context, pool, 24)).toList();
      Set<Integer> first = await(backends.get(0));
      Set<Integer> second = await(backends.get(1));
      assertThat(first).hasSizeLessThanOrEqualTo(8 / loops).doesNotContainAnyElementsOf(second);
      assertThat(second).hasSizeLessThanOrEqualTo(8 / loops);
    } finally {
      await(pool.close());
    }
  }

  /** The backend pids that {@code statements} concurrent statements issued on context ran on. */
  private static Future<Set<Integer>> backendsUsedFrom(Context context, Pool pool, int statements) {
    Promise<Set<Integer>> used = Promise.promise();
    context.runOnContext(
        v -> {
          List<Future<Integer>> runs = new ArrayList<>();
          for (int i = 0; i < statements; i++) {
            runs.add(
                pool.preparedQuery("SELECT pg_backend_pid() AS pid FROM pg_sleep(0.01)")
                    .execute()
                    .map(rows -> rows.iterator().next().getInteger("pid")));
          }
          Future.all(runs).map(all -> Set.copyOf(all.<Integer>list())).onComplete(used);
        });
    return used.future();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Runs one prepared statement six times on one connection and reads its plan counters. */
  private static Row plansAfterSixRuns(Vertx vertx, PlatformConfig config) throws Exception {
    Pool pool = Database.pool(vertx, config);
    try {
      return pool.withConnection(
              conn -> {
                var run = conn.preparedQuery(QUERY).execute(Tuple.of(0));
                for (int i = 1; i < 6; i++) {
                  run = run.compose(rows -> conn.preparedQuery(QUERY).execute(Tuple.of(0)));
                }
                return run.compose(
                    rows ->
                        conn.query(
                                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                                    + " WHERE statement = '"
                                    + QUERY.replace("'", "''")
                                    + "'")
                            .execute()
                            .map(r -> r.iterator().next()));
              })
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } finally {
      pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static PlatformConfig config(Map<String, String> extra) {
    return PlatformConfig.from(env(extra), "users", 8081);
  }

  private static Env env(Map<String, String> extra) {
    java.util.HashMap<String, String> env = new java.util.HashMap<>(extra);
    env.put("STOCKROOM_ENV", "dev");
    env.put("PG_URI", TestInfra.freshDatabase("plans"));
    return new Env(env);
  }
}
