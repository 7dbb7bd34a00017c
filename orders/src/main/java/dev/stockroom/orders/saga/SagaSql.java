package dev.stockroom.orders.saga;

import static java.util.stream.Collectors.joining;

import dev.stockroom.common.outbox.Outbox;
import java.util.Arrays;

/**
 * All SQL of the saga. Every write is guarded by the lease holder and the step it read, so two
 * instances can never advance the same saga.
 */
final class SagaSql {
  private SagaSql() {}

  /**
   * A claim's lease: the engine's name ($2) and a token of this claim. By the name alone, an engine
   * that claimed a saga again after its own lease ran out (a client's retry, with the first copy
   * still running) had two copies that both passed every guard, and both finished it: two events,
   * every call twice.
   */
  private static final String LEASE_OF_A_CLAIM = "$2 || '/' || gen_random_uuid()";

  /**
   * IS DISTINCT FROM rather than {@code <>}: a WHERE clause that implies the partial index
   * orders_due's predicate lets a generic plan (or stale statistics) read this one row through that
   * index, which holds every saga in flight: one claim then costs a scan of the whole backlog. A
   * live lease is refused even when it is this engine's own: the saga is running here (a client's
   * retry found its order while the first request drove it), and a second copy of it would send
   * every call twice and, finishing in the same statement as the first, write its event twice.
   */
  static final String CLAIM_ONE =
      "UPDATE orders SET lease_owner = "
          + LEASE_OF_A_CLAIM
          + ", lease_until = now() + $3 * interval '1 millisecond'"
          + " WHERE id = $1 AND step IS DISTINCT FROM 'DONE' AND next_attempt_at <= now()"
          + " AND (lease_until IS NULL OR lease_until < now()) RETURNING "
          + SagaOrder.COLUMNS;

  static final String CLAIM_DUE =
      "UPDATE orders SET lease_owner = $1 || '/' || gen_random_uuid(),"
          + " lease_until = now() + $2 * interval '1 millisecond' WHERE id IN (SELECT id FROM orders WHERE step <> 'DONE' AND next_attempt_at <= now()"
          + " AND (lease_until IS NULL OR lease_until < now()) ORDER BY next_attempt_at LIMIT $3"
          + " FOR UPDATE SKIP LOCKED) RETURNING "
          + SagaOrder.COLUMNS;

  /** $3 the lease of the claim that read the saga (SagaOrder.lease). */
  static final String GUARD = " WHERE id = $1 AND step = $2 AND lease_owner = $3";

  /**
   * Many sagas' next steps in one statement: $1 ids, $2 the steps read, $3 the next steps, $4 and
   * $5 the customer and lines learnt (JSON text, NULL: unchanged), $6 totals, $7 the leases each
   * copy was claimed with, $8 the lease in milliseconds. Each row keeps its own guard; the rows
   * returned are the sagas that moved. Every step renews the lease: a saga running longer than one
   * lease is still running here, and the worker would otherwise claim it as abandoned and run a
   * second copy of it.
   */
  static final String ADVANCE_ALL =
      "UPDATE orders o SET step = a.next, attempts = 0, updated_at = now(),"
          + " lease_until = now() + $8 * interval '1 millisecond',"
          + " customer = coalesce(a.customer::jsonb, o.customer),"
          + " lines = coalesce(a.lines::jsonb, o.lines), total_cents = coalesce(a.total, o.total_cents)"
          + " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],"
          + " $7::text[]) AS a (id, step, next, customer, lines, total, lease)"
          + " WHERE o.id = a.id AND o.step = a.step AND o.lease_owner = a.lease RETURNING "
          + Arrays.stream(SagaOrder.COLUMNS.split(", ")).map(c -> "o." + c).collect(joining(", "));

  /**
   * The outcome is known at once (REJECTED); giving back what was taken goes on until done. $6 the
   * lease in milliseconds, renewed as every step renews it.
   */
  static final String COMPENSATE =
      "UPDATE orders SET step = 'COMPENSATE', status = 'REJECTED', rejection = $4, attempts = 0,"
          + " pending_reason = $5, updated_at = now(),"
          + " lease_until = now() + $6 * interval '1 millisecond'"
          + GUARD
          + " RETURNING "
          + SagaOrder.COLUMNS;

  static final String RETRY =
      "UPDATE orders SET attempts = attempts + 1, next_attempt_at = now() + $4 * interval '1 millisecond',"
          + " lease_owner = NULL, lease_until = NULL, updated_at = now()"
          + GUARD;
  static final String FINISH =
      "UPDATE orders SET status = $4, step = 'DONE', rejection = coalesce($5, rejection), lease_owner = NULL,"
          + " lease_until = NULL, updated_at = now()"
          + GUARD
          + " RETURNING id";

  /**
   * Many sagas finished and their events written, in one statement (no transaction, one round
   * trip): $1 ids, $2 the steps read, $3 statuses, $4 rejections (JSON text, NULL: unchanged), $5
   * the leases each copy was claimed with, then the events keyed by order id (one item per order:
   * two events joined to one written row would both be written).
   */
  static final String FINISH_ALL =
      Outbox.afterWrite(
          "UPDATE orders o SET status = f.status, step = 'DONE',"
              + " rejection = coalesce(f.rejection::jsonb, o.rejection), lease_owner = NULL,"
              + " lease_until = NULL, updated_at = now()"
              + " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])"
              + "  AS f (id, step, status, rejection, lease)"
              + " WHERE o.id = f.id AND o.step = f.step AND o.lease_owner = f.lease"
              + " RETURNING o.id::text AS event_key",
          5);
}
