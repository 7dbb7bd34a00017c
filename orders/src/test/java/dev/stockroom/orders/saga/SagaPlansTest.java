package dev.stockroom.orders.saga;

import dev.stockroom.common.testing.GenericPlans;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SagaPlansTest {
  @Test
  @DisplayName(
      "claiming one saga, or moving a batch of them on, reads their primary keys, not the"
          + " backlog, even on statistics taken when no saga was in flight")
  void claimStaysOnThePrimaryKey() {
    String db = GenericPlans.migratedDatabase("saga_plans", "db/migration/orders");
    GenericPlans.staleStatistics(
        db,
        "orders",
        orders(20_000, "DONE", "now() - interval '1 minute'"),
        orders(5_000, "HOLD", "now() + interval '10 seconds'"));

    GenericPlans.assertReadsOnly(
        db,
        "orders_pkey",
        "uuid, text, bigint",
        "'00000000-0000-0000-0000-000000000001', 'me', 1000",
        SagaSql.CLAIM_ONE);
    GenericPlans.assertReadsOnly(
        db,
        "orders_pkey",
        "uuid[], text[], text[], text[], text[], bigint[], text[], bigint",
        "ARRAY['00000000-0000-0000-0000-000000000001'::uuid], ARRAY['HOLD'], ARRAY['CONFIRM'],"
            + " ARRAY[NULL], ARRAY[NULL], ARRAY[NULL::bigint], ARRAY['me/1'], 15000",
        SagaSql.ADVANCE_ALL);
  }

  @Test
  @DisplayName("counting the sagas in flight reads the unfinished ones' index, not every order")
  void backlogStaysOnThePartialIndex() {
    String db = GenericPlans.migratedDatabase("saga_backlog_plans", "db/migration/orders");
    GenericPlans.staleStatistics(
        db,
        "orders",
        orders(20_000, "DONE", "now() - interval '1 minute'"),
        orders(50, "HOLD", "now() + interval '10 seconds'"));

    GenericPlans.assertBoundedBy(db, "orders_due", SagaBacklogVerticle.IN_FLIGHT, "", "");
  }

  private static String orders(int count, String step, String leaseUntil) {
    return "INSERT INTO orders (id, customer_id, status, shipping_address, placed_by,"
        + " idempotency_key, step, lease_owner, lease_until, next_attempt_at)"
        + " SELECT gen_random_uuid(), gen_random_uuid(), 'PENDING', '{}', 'test', gen_random_uuid(),"
        + " '"
        + step
        + "', 'other', "
        + leaseUntil
        + ", now() - interval '1 second' FROM generate_series(1, "
        + count
        + ")";
  }
}
