package dev.stockroom.inventory.reservations;

import dev.stockroom.common.testing.GenericPlans;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReservationPlansTest {
  @Test
  @DisplayName(
      "confirming or releasing one reservation reads its key, not every live hold, even on"
          + " statistics taken when none was held")
  void oneReservationByItsKey() {
    String db = GenericPlans.migratedDatabase("reservation_plans", "db/migration/inventory");
    GenericPlans.staleStatistics(
        db,
        "reservations",
        reservations(20_000, "CONFIRMED", "now() - interval '1 minute'"),
        reservations(5_000, "HELD", "now() + interval '10 minutes'"));

    GenericPlans.assertReadsOnly(
        db, "reservations_pkey", "text", "'r-1'", ReservationSql.CONFIRM, ReservationSql.RELEASE);
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
