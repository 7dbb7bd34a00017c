package dev.stockroom.common.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.db.Database;
import dev.stockroom.common.testing.GenericPlans;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Purging the outbox")
class OutboxPurgeTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @DisplayName("one pass removes every published record past the retention, however many")
  void keepsUp() {
    PlatformConfig config =
        PlatformConfig.from(new Env(TestServices.env("outbox_purge")), "purgetest", 8099);
    String pg = config.pgUri().toString();
    Vertx vertx = Vertx.vertx();
    try {
      TestServices.await(Database.migrate(vertx, config, List.of(Outbox.MIGRATIONS)), WAIT);
      int old = OutboxPurge.BATCH * 2 + 5_000;
      TestDb.execute(
          pg,
          "INSERT INTO outbox (topic, event_key, event_type, event_id, payload, published_at)"
              + " SELECT 't', i::text, 'x', gen_random_uuid(), '{}', now() - interval '2 hours'"
              + " FROM generate_series(1, "
              + old
              + ") i");
      TestDb.execute(
          pg,
          "INSERT INTO outbox (topic, event_key, event_type, event_id, payload, published_at)"
              + " SELECT 't', i::text, 'x', gen_random_uuid(), '{}', now()"
              + " FROM generate_series(1, 7) i");
      TestDb.execute(
          pg,
          "INSERT INTO outbox (topic, event_key, event_type, event_id, payload)"
              + " SELECT 't', i::text, 'x', gen_random_uuid(), '{}' FROM generate_series(1, 3) i");
      Pool pool = Database.pool(vertx, config);

      long purged = TestServices.await(OutboxPurge.purge(pool, Duration.ofHours(1)), WAIT);

      assertThat(purged).isEqualTo(old);
      assertThat(TestDb.count(pg, "SELECT count(*) FROM outbox"))
          .as("recent and unpublished stay")
          .isEqualTo(10);
    } finally {
      TestServices.await(vertx.close(), WAIT);
    }
  }

  @Test
  @DisplayName("a purge with nothing to delete reads the published index, not the table")
  void bounded() {
    String db = GenericPlans.migratedDatabase("outbox_purge_plans", "db/outbox");
    GenericPlans.staleStatistics(
        db,
        "outbox",
        "INSERT INTO outbox (topic, event_key, event_type, event_id, payload, published_at)"
            + " SELECT 't', i::text, 'x', gen_random_uuid(), '{}', now()"
            + " FROM generate_series(1, 50000) i",
        "INSERT INTO outbox (topic, event_key, event_type, event_id, payload)"
            + " SELECT 't', i::text, 'x', gen_random_uuid(), '{}' FROM generate_series(1, 500) i");
    GenericPlans.assertBoundedBy(
        db, "outbox_published", OutboxPurge.PURGE, "float8, int", "86400, 10000");
  }
}
