package dev.stockroom.users.credit;

import dev.stockroom.common.testing.GenericPlans;
import dev.stockroom.common.testing.TestDb;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HoldPlansTest {
  private static final String USER = "00000000-0000-0000-0000-000000000001";

  @Test
  @DisplayName(
      "capturing or releasing holds (one, or a batch) reads their keys, not every live hold,"
          + " even on statistics taken when none was held")
  void oneHoldByItsKey() {
    String db = GenericPlans.migratedDatabase("hold_plans", "db/migration/users");
    withUser(db);
    GenericPlans.staleStatistics(
        db,
        "credit_holds",
        holds(20_000, "CAPTURED", "now() - interval '1 minute'"),
        holds(5_000, "HELD", "now() + interval '10 minutes'"));

    GenericPlans.assertReadsOnly(
        db, "credit_holds_pkey", "text", "'h-1'", HoldSql.CAPTURE, HoldSql.RELEASE);
    GenericPlans.assertReadsOnly(
        db, "credit_holds_pkey", "text[]", "ARRAY['h-1', 'h-2']", HoldSql.CAPTURE_ALL);
  }

  @Test
  @DisplayName(
      "the sweeper's statements read only live or settled-and-old holds, whatever the table holds")
  void sweeperIsBounded() {
    String db = GenericPlans.migratedDatabase("hold_sweep_plans", "db/migration/users");
    withUser(db);
    GenericPlans.staleStatistics(
        db,
        "credit_holds",
        holds(50_000, "CAPTURED", "now() - interval '1 minute'"),
        holds(500, "HELD", "now() + interval '10 minutes'"));

    GenericPlans.assertBoundedBy(db, "credit_holds_expiring", HoldSql.LIVE, "", "");
    GenericPlans.assertBoundedBy(
        db, "credit_holds_settled", HoldSql.PURGE, "float8, int", "604800, 500");
  }

  @Test
  @DisplayName(
      "a batch's statements read the holds it names by key, on fresh statistics or stale ones")
  void batchesReadTheirKeys() {
    String db = GenericPlans.migratedDatabase("hold_batch_plans", "db/migration/users");
    withUser(db);
    GenericPlans.staleStatistics(
        db,
        "credit_holds",
        holds(20_000, "CAPTURED", "now() - interval '1 minute'")
            + "; "
            + holds(2_000, "HELD", "now() + interval '10 minutes'"),
        holds(20_000, "CAPTURED", "now() - interval '1 minute'"));
    String ids = "ARRAY['h-1', 'h-2', 'h-3']";
    for (String sql : new String[] {HoldSql.FIND_ALL, HoldSql.CAPTURE_ALL, HoldSql.UNCLAIM}) {
      GenericPlans.assertReadsOnly(db, "credit_holds_pkey", "text[]", ids, sql);
    }
  }

  private static void withUser(String db) {
    TestDb.execute(
        db,
        "INSERT INTO users (id, name, email, credit_limit_cents) VALUES ('"
            + USER
            + "', 'Ada', 'ada@example.com', 100)");
  }

  private static String holds(int count, String status, String expiresAt) {
    return "INSERT INTO credit_holds (hold_id, user_id, amount_cents, ttl_seconds, status,"
        + " expires_at) SELECT gen_random_uuid()::text, '"
        + USER
        + "', 1, 60, '"
        + status
        + "', "
        + expiresAt
        + " FROM generate_series(1, "
        + count
        + ")";
  }
}
