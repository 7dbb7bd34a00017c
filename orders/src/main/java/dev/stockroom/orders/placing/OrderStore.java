package dev.stockroom.orders.placing;

import dev.stockroom.common.batch.GroupCommit;
import dev.stockroom.common.tracing.TraceContexts;
import dev.stockroom.orders.saga.SagaOrder;
import dev.stockroom.orders.saga.SagaSettings;
import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** All SQL about placing and reading orders (the saga's own SQL lives with the saga). */
public final class OrderStore {
  private static final String COLUMNS =
      "id, customer_id, status, customer, lines, requested_lines, total_cents, shipping_address,"
          + " rejection, created_at, updated_at";

  /**
   * Many placing requests' orders in one statement, in key order (concurrent batches then wait for
   * each other's keys in one order). The rows returned are the orders recorded now; a request whose
   * key was taken already (by an earlier request or an earlier item) is answered from the order
   * that has it.
   */
  static final String PLACE_ALL =
      "INSERT INTO orders (id, customer_id, status, requested_lines, shipping_address, placed_by,"
          + " idempotency_key, request_hash, step, deadline_at, lease_owner, lease_until,"
          + " consistent_with, trace_context)"
          + " SELECT p.id, p.customer_id, 'PENDING', p.lines::jsonb, p.address::jsonb, p.placed_by,"
          + " p.key, p.hash, 'CUSTOMER', now() + $8 * interval '1 millisecond',"
          + " $9 || '/' || gen_random_uuid(),"
          + " now() + $10 * interval '1 millisecond', p.consistent_with, p.trace"
          + " FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],"
          + " $7::text[], $11::timestamptz[], $12::text[])"
          + " AS p (id, customer_id, lines, address, placed_by, key, hash, consistent_with, trace)"
          + " ORDER BY p.placed_by, p.key"
          + " ON CONFLICT (placed_by, idempotency_key) DO NOTHING RETURNING *";

  private static final String BY_KEY =
      "SELECT id, request_hash FROM orders WHERE placed_by = $1 AND idempotency_key = $2";
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM orders WHERE id = $1";

  // A customer's orders and everyone's (admins) are two statements each: one for both, with
  // "$1 IS NULL OR customer_id = $1", had a generic plan (what a connection keeps after five runs)
  // that could use no index and sorted the whole table for every page.

  /** $1 customer, $2 limit: newest first, along orders_customer_created. */
  static final String FIRST_PAGE_OF =
      "SELECT "
          + COLUMNS
          + " FROM orders WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2";

  /**
   * $1 customer, $2 limit, $3 the last order of the previous page. The cursor's order only counts
   * as one of the listed customer's: another customer's order id answers as an unknown one does,
   * telling nothing of it.
   */
  static final String PAGE_AFTER_OF =
      "SELECT "
          + COLUMNS
          + " FROM orders WHERE customer_id = $1"
          + " AND (created_at, id) < (SELECT created_at, id FROM orders WHERE id = $3"
          + " AND customer_id = $1)"
          + " ORDER BY created_at DESC, id DESC LIMIT $2";

  /** $1 limit: everyone's orders, newest first, along orders_created. */
  static final String FIRST_PAGE_ALL =
      "SELECT " + COLUMNS + " FROM orders ORDER BY created_at DESC, id DESC LIMIT $1";

  /** $1 limit, $2 the last order of the previous page. */
  static final String PAGE_AFTER_ALL =
      "SELECT "
          + COLUMNS
          + " FROM orders WHERE (created_at, id) < (SELECT created_at, id FROM orders WHERE id = $2)"
          + " ORDER BY created_at DESC, id DESC LIMIT $1";

  private static final String BY_IDS = "SELECT " + COLUMNS + " FROM orders WHERE id = ANY($1)";

  private final Pool pool;
  private final GroupCommit<NewOrder, Optional<Row>> inserts;
  private final GroupCommit<UUID, Optional<StoredOrder>> reads;

  private final Duration deadline;
  private final String leaseOwner;
  private final Duration lease;

  /** An order to record, as one item of a batched insert. */
  private record NewOrder(
      UUID id,
      OrderRequest request,
      String placedBy,
      String key,
      OffsetDateTime consistentWith,
      String trace) {}

  /**
   * One per verticle instance: its inserts of new orders and reads of placed ones are batched on
   * its event loop. A new order gets the saga's {@code deadline} and is leased to {@code
   * leaseOwner} (this instance) for {@code lease}, so that its saga runs here at once.
   */
  public OrderStore(
      Pool pool,
      SagaSettings saga,
      String leaseOwner,
      DistributionSummary insertBatches,
      DistributionSummary readBatches) {
    this.pool = pool;
    this.deadline = saga.deadline();
    this.leaseOwner = leaseOwner;
    this.lease = saga.lease();
    this.inserts = new GroupCommit<>(this::insertAll, insertBatches);
    this.reads = new GroupCommit<>(this::findAll, readBatches);
  }

  /**
   * An order just recorded or found again by its key. A new one comes as recorded and leased to
   * this instance, as the saga sees it, so its saga runs at once without claiming it first.
   */
  public record Placed(UUID id, Optional<StoredOrder> recorded, Optional<SagaOrder> leased) {}

  /**
   * Records a new order, or finds the one this caller already placed with this key: the same
   * request gets the same order, a different request with the same key is refused.
   */
  public Future<Placed> place(
      OrderRequest request, String placedBy, String key, Optional<Instant> consistentWith) {
    NewOrder order =
        new NewOrder(
            UUID.randomUUID(),
            request,
            placedBy,
            key,
            consistentWith.map(at -> OffsetDateTime.ofInstant(at, ZoneOffset.UTC)).orElse(null),
            TraceContexts.current());
    return inserts
        .submit(order)
        .compose(
            row ->
                row.isPresent()
                    ? Future.succeededFuture(recorded(row.get()))
                    : existing(request, placedBy, key)
                        .map(found -> new Placed(found, Optional.empty(), Optional.empty())));
  }

  private Future<List<Optional<Row>>> insertAll(List<NewOrder> batch) {
    Tuple orders =
        Tuple.tuple()
            .addArrayOfUUID(batch.stream().map(NewOrder::id).toArray(UUID[]::new))
            .addArrayOfUUID(batch.stream().map(o -> o.request().customerId()).toArray(UUID[]::new))
            .addArrayOfString(
                batch.stream().map(o -> o.request().lines().encode()).toArray(String[]::new))
            .addArrayOfString(
                batch.stream()
                    .map(o -> o.request().shippingAddress().encode())
                    .toArray(String[]::new))
            .addArrayOfString(batch.stream().map(NewOrder::placedBy).toArray(String[]::new))
            .addArrayOfString(batch.stream().map(NewOrder::key).toArray(String[]::new))
            .addArrayOfString(
                batch.stream().map(o -> o.request().fingerprint()).toArray(String[]::new))
            .addLong(deadline.toMillis())
            .addString(leaseOwner)
            .addLong(lease.toMillis())
            .addArrayOfOffsetDateTime(
                batch.stream().map(NewOrder::consistentWith).toArray(OffsetDateTime[]::new))
            .addArrayOfString(batch.stream().map(NewOrder::trace).toArray(String[]::new));
    return pool.preparedQuery(PLACE_ALL)
        .execute(orders)
        .map(
            rows -> {
              Map<UUID, Row> recorded = new HashMap<>();
              rows.forEach(row -> recorded.put(row.getUUID("id"), row));
              return GroupCommit.inOrder(batch, NewOrder::id, recorded);
            });
  }

  private static Placed recorded(Row row) {
    return new Placed(
        row.getUUID("id"), Optional.of(StoredOrder.from(row)), Optional.of(SagaOrder.from(row)));
  }

  private Future<UUID> existing(OrderRequest request, String placedBy, String key) {
    return pool.preparedQuery(BY_KEY)
        .execute(Tuple.of(placedBy, key))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              if (!row.getString("request_hash").equals(request.fingerprint())) {
                throw OrderRefusal.keyReused();
              }
              return row.getUUID("id");
            });
  }

  /**
   * The order as it is now, read together with the others asked for meanwhile on this event loop
   * (each placing request reads its order back once the saga is decided).
   */
  public Future<Optional<StoredOrder>> findBatched(UUID id) {
    return reads.submit(id);
  }

  private Future<List<Optional<StoredOrder>>> findAll(List<UUID> ids) {
    return pool.preparedQuery(BY_IDS)
        .execute(Tuple.of((Object) ids.toArray(UUID[]::new)))
        .map(
            rows -> {
              Map<UUID, StoredOrder> found = new HashMap<>();
              rows.forEach(row -> found.put(row.getUUID("id"), StoredOrder.from(row)));
              return GroupCommit.inOrder(ids, id -> id, found);
            });
  }

  public Future<Optional<StoredOrder>> find(UUID id) {
    return pool.preparedQuery(BY_ID)
        .execute(Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(StoredOrder.from(rows.iterator().next())));
  }

  /** A page of orders, newest first, and the id to go on after (none when it is not full). */
  public record Page(List<StoredOrder> orders, UUID next) {}

  /** Newest first; {@code customerId} null lists every customer's orders (admins). */
  public Future<Page> page(UUID customerId, UUID after, int limit) {
    var query = after == null ? firstPage(customerId, limit) : pageAfter(customerId, limit, after);
    return query.map(
        rows -> {
          List<StoredOrder> orders = new ArrayList<>(rows.size());
          rows.forEach(row -> orders.add(StoredOrder.from(row)));
          UUID next = orders.size() == limit ? orders.get(orders.size() - 1).id() : null;
          return new Page(orders, next);
        });
  }

  private Future<RowSet<Row>> firstPage(UUID customerId, int limit) {
    return customerId == null
        ? pool.preparedQuery(FIRST_PAGE_ALL).execute(Tuple.of(limit))
        : pool.preparedQuery(FIRST_PAGE_OF).execute(Tuple.of(customerId, limit));
  }

  private Future<RowSet<Row>> pageAfter(UUID customerId, int limit, UUID after) {
    return customerId == null
        ? pool.preparedQuery(PAGE_AFTER_ALL).execute(Tuple.of(limit, after))
        : pool.preparedQuery(PAGE_AFTER_OF).execute(Tuple.of(customerId, limit, after));
  }
}
