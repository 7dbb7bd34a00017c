package dev.stockroom.orders.placing;

import dev.stockroom.common.testing.GenericPlans;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OrderPagePlansTest {
  private static final String CUSTOMER = "'00000000-0000-0000-0000-00000000000c'";
  private static final String ORDER = "'00000000-0000-0000-0000-000000000001'";

  @Test
  @DisplayName(
      "a page of orders, a customer's or everyone's, reads an index in the page's order, not the"
          + " whole table sorted: the generic plan a connection keeps after five runs included")
  void pagesReadAnIndexInTheirOrder() {
    String db = GenericPlans.migratedDatabase("order_page_plans", "db/migration/orders");
    GenericPlans.staleStatistics(
        db, "orders", orders(20_000, "gen_random_uuid()"), orders(5_000, CUSTOMER + "::uuid"));

    // Before: one statement for both, WHERE ($1 IS NULL OR customer_id = $1) ORDER BY created_at:
    // its generic plan sorted the table, and no index had created_at.
    GenericPlans.assertBoundedBy(
        db, "orders_customer_created", OrderStore.FIRST_PAGE_OF, "uuid, bigint", CUSTOMER + ", 50");
    GenericPlans.assertBoundedBy(
        db,
        "orders_customer_created",
        OrderStore.PAGE_AFTER_OF,
        "uuid, bigint, uuid",
        CUSTOMER + ", 50, " + ORDER);
    GenericPlans.assertBoundedBy(db, "orders_created", OrderStore.FIRST_PAGE_ALL, "bigint", "50");
    GenericPlans.assertBoundedBy(
        db, "orders_created", OrderStore.PAGE_AFTER_ALL, "bigint, uuid", "50, " + ORDER);
  }

  private static String orders(int count, String customer) {
    return "INSERT INTO orders (id, customer_id, status, shipping_address, placed_by,"
        + " idempotency_key, created_at)"
        + " SELECT gen_random_uuid(), "
        + customer
        + ", 'CONFIRMED', '{}', 'test', gen_random_uuid(),"
        + " now() - g * interval '1 second' FROM generate_series(1, "
        + count
        + ") g";
  }
}
