package dev.stockroom.inventory.reservations;

import dev.stockroom.common.testing.GenericPlans;
import dev.stockroom.common.testing.TestDb;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReservationPlansTest {
  @Test
  @DisplayName(
      "confirming or releasing reservations (one, or a batch) reads their keys, not every live"
          + " hold, even on statistics taken when none was held")
  void oneReservationByItsKey() {
    String db = GenericPlans.migratedDatabase("reservation_plans", "db/migration/inventory");
    GenericPlans.staleStatistics(
        db,
        "reservations",
        reservations(20_000, "CONFIRMED", "now() - interval '1 minute'"),
        reservations(5_000, "HELD", "now() + interval '10 minutes'"));

    GenericPlans.assertReadsOnly(
        db, "reservations_pkey", "text", "'r-1'", ReservationSql.CONFIRM, ReservationSql.RELEASE);
    GenericPlans.assertReadsOnly(
        db, "reservations_pkey", "text[]", "ARRAY['r-1', 'r-2']", ReservationSql.CONFIRM_ALL);
  }

  @Test
  @DisplayName(
      "a batch's statements read the reservations it names and their lines by key, not the"
          + " tables, whatever they hold")
  void batchesReadTheirKeys() {
    String db = GenericPlans.migratedDatabase("reservation_batch_plans", "db/migration/inventory");
    TestDb.execute(
        db,
        "INSERT INTO items (sku, name, price_cents, quantity)"
            + " SELECT 'S-' || i, 'Item', 100, 1000000 FROM generate_series(1, 100000) i;"
            + " ANALYZE items");
    GenericPlans.staleStatistics(
        db,
        "reservation_lines",
        reservations(20_000, "CONFIRMED", "now() - interval '1 minute'"),
        "INSERT INTO reservation_lines (reservation_id, sku, quantity, name, unit_price_cents)"
            + " SELECT reservation_id, 'S-' || (1 + abs(hashtext(reservation_id)) % 100000), 1,"
            + " 'Item', 100 FROM reservations");
    String ids = "ARRAY['r-1', 'r-2', 'r-3']";
    for (String sql :
        new String[] {
          ReservationSql.FIND_ALL,
          ReservationSql.LOCK_ITEMS_OF,
          ReservationSql.SELL,
          ReservationSql.GIVE_BACK
        }) {
      GenericPlans.assertBoundedBy(db, "reservation_lines_pkey", sql, "text[]", ids);
    }
  }

  @Test
  @DisplayName(
      "the sweeper's statements read only live or settled-and-old reservations, whatever the"
          + " table holds")
  void sweeperIsBounded() {
    String db = GenericPlans.migratedDatabase("reservation_sweep_plans", "db/migration/inventory");
    GenericPlans.staleStatistics(
        db,
        "reservations",
        reservations(50_000, "CONFIRMED", "now() - interval '1 minute'"),
        reservations(500, "HELD", "now() + interval '10 minutes'"));

    GenericPlans.assertBoundedBy(db, "reservations_expiring", ReservationSql.EXPIRE, "int", "500");
    GenericPlans.assertBoundedBy(db, "reservations_expiring", ReservationSql.LIVE, "", "");
    GenericPlans.assertBoundedBy(
        db, "reservations_settled", ReservationSql.PURGE, "float8, int", "604800, 500");
  }

  private static String reservations(int count, String status, String expiresAt) {
    return "INSERT INTO reservations (reservation_id, fingerprint, ttl_seconds, status, expires_at)"
        + " SELECT gen_random_uuid()::text, 'f', 60, '"
        + status
        + "', "
        + expiresAt
        + " FROM generate_series(1, "
        + count
        + ")";
  }
}
