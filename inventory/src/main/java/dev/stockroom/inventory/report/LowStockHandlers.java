package dev.stockroom.inventory.report;

import dev.stockroom.common.http.HttpApi;
import dev.stockroom.common.http.Responses;
import dev.stockroom.common.replica.AppliedWatermarks;
import dev.stockroom.common.replica.ConsistencyRequest;
import dev.stockroom.common.replica.ConsistencyToken;
import dev.stockroom.common.replica.LocalRow;
import dev.stockroom.common.replica.ReadYourWrites;
import dev.stockroom.common.replica.Replica;
import dev.stockroom.common.replica.ReplicaEntry;
import dev.stockroom.common.replica.ReplicaStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * "Which items are running low, and who stocked each last?" One query against the local copy, then
 * at most one batched owner call for the stockers not known current within {@code maxStaleness}.
 */
public final class LowStockHandlers {
  private final Pool pool;
  private final Replica users;
  private final Duration defaultBudget;
  private final boolean freshness;

  /** {@code freshness} false only for a benchmark's price of it ({@code BENCH_LAYERS_OFF}). */
  public LowStockHandlers(Pool pool, Replica users, Duration defaultBudget, boolean freshness) {
    this.pool = pool;
    this.users = users;
    this.defaultBudget = defaultBudget;
    this.freshness = freshness;
  }

  public void lowStock(RoutingContext ctx) {
    Map<String, RequestParameter> query = HttpApi.validated(ctx).getQuery();
    int below = intParam(query, "below", 5);
    int limit = intParam(query, "limit", 50);
    Cursor after = Cursor.decode(stringParam(query, "after"));
    String stocker = stringParam(query, "stocker");
    Duration budget = budget(stringParam(query, "maxStaleness"));
    Optional<ReadYourWrites> consistent =
        ConsistencyRequest.from(
            ctx.request().getHeader(ConsistencyToken.HEADER),
            stringParam(query, "consistentWith"),
            stringParam(query, "consistencyWait"));
    // The filter runs on the copied names: with a token, on a copy at or past it if it gets there
    // within the read's wait; else the answer cannot vouch for the items the filter left out.
    long start = System.nanoTime();
    Future<Boolean> filterCurrent =
        stocker != null && consistent.isPresent() && freshness
            ? users.caughtUp(consistent.get())
            : Future.succeededFuture(true);
    filterCurrent
        .compose(
            current ->
                pool.preparedQuery(freshness ? LowStockQuery.SQL : LowStockQuery.WITHOUT_FRESHNESS)
                    .execute(
                        parameters(
                            below,
                            after,
                            stocker == null ? null : LowStockQuery.prefixPattern(stocker),
                            limit))
                    .compose(
                        rows ->
                            withStockers(
                                rows,
                                budget,
                                whatIsLeft(consistent, start),
                                limit,
                                stocker,
                                current)))
        .onSuccess(page -> Responses.ok(ctx, page))
        .onFailure(ctx::fail);
  }

  private Future<Buffer> withStockers(
      RowSet<Row> rows,
      Duration budget,
      Optional<ReadYourWrites> consistent,
      int limit,
      String stockerPrefix,
      boolean filterCurrent) {
    List<Row> page = new ArrayList<>();
    rows.forEach(page::add);
    Set<UUID> stockers = new LinkedHashSet<>();
    Map<UUID, LocalRow> local = new HashMap<>();
    if (!page.isEmpty()) {
      int stockedBy = page.get(0).getColumnIndex("last_stocked_by");
      ReplicaStore.RowReader copy = users.store().reader(page.get(0), "s_");
      for (Row row : page) {
        UUID stocker = row.getUUID(stockedBy);
        if (stocker != null) {
          stockers.add(stocker);
          if (copy.present(row)) {
            local.put(stocker, copy.read(row));
          }
        }
      }
    }
    Future<Map<UUID, ReplicaEntry>> resolved =
        freshness
            ? users.resolve(stockers, local, budget, consistent)
            : Future.succeededFuture(users.asCopied(stockers, local));
    // The page goes on after its last row as the query read it, whichever rows are shown.
    Cursor next = page.size() == limit ? Cursor.of(page.get(page.size() - 1)) : null;
    return resolved.map(
        entries ->
            LowStockPage.render(
                stockerPrefix == null
                    ? page
                    : StockerFilter.shown(page, stockerPrefix, local, entries),
                entries,
                next,
                consistent
                    .map(c -> ConsistencyRequest.answer(c, entries.values(), filterCurrent))
                    .orElse(null)));
  }

  /**
   * The query's parameters, the watermarks' snapshot taken now: BEFORE the query, so that its
   * database snapshot has every event they vouch for ({@code AppliedWatermarks}). Taken after the
   * rows were read, a watermark raised in between could vouch for a change they lack.
   */
  private Tuple parameters(int below, Cursor after, String pattern, int limit) {
    Tuple page = Tuple.of(below, after.quantity(), after.sku(), pattern, limit);
    if (!freshness) {
      return page;
    }
    AppliedWatermarks.Snapshot applied = users.watermarks();
    return page.addArrayOfOffsetDateTime(applied.watermarks()).addOffsetDateTime(applied.since());
  }

  /** The read's wait less what waiting for the whole copy took: one wait per read, not two. */
  private static Optional<ReadYourWrites> whatIsLeft(
      Optional<ReadYourWrites> consistent, long startNanos) {
    return consistent.map(
        c -> {
          Duration spent = Duration.ofNanos(System.nanoTime() - startNanos);
          Duration left = c.maxWait().minus(spent);
          return new ReadYourWrites(c.token(), left.isNegative() ? Duration.ZERO : left);
        });
  }

  private Duration budget(String value) {
    return value == null ? defaultBudget : MaxStaleness.atMost(value, defaultBudget);
  }

  private static int intParam(Map<String, RequestParameter> query, String name, int fallback) {
    RequestParameter p = query.get(name);
    return p == null || p.isNull() ? fallback : p.getInteger();
  }

  private static String stringParam(Map<String, RequestParameter> query, String name) {
    RequestParameter p = query.get(name);
    return p == null || p.isNull() ? null : p.getString();
  }
}
