package dev.stockroom.common.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.db.Database;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An event written with its guarded write in one statement")
class OutboxAfterWriteTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @DisplayName("the event is written exactly when the guarded write changes a row")
  void onlyWithTheWrite() {
    PlatformConfig config =
        PlatformConfig.from(new Env(TestServices.env("outbox_after_write")), "writetest", 8099);
    String pg = config.pgUri().toString();
    Vertx vertx = Vertx.vertx();
    try {
      TestServices.await(Database.migrate(vertx, config, List.of(Outbox.MIGRATIONS)), WAIT);
      TestDb.execute(pg, "CREATE TABLE things (id int PRIMARY KEY, state text NOT NULL)");
      TestDb.execute(pg, "INSERT INTO things VALUES (1, 'open')");
      Pool pool = Database.pool(vertx, config);
      String close =
          Outbox.afterWrite(
              "UPDATE things SET state = 'closed' WHERE id = $1 AND state = $2 RETURNING id", 2);
      OutboxEvent event =
          new OutboxEvent("things.v1", "1", "thing.closed", new JsonObject().put("id", 1));

      int first =
          TestServices.await(
              pool.preparedQuery(close)
                  .execute(Outbox.withEvent(Tuple.of(1, "open"), event))
                  .map(rows -> rows.rowCount()),
              WAIT);
      int again =
          TestServices.await(
              pool.preparedQuery(close)
                  .execute(Outbox.withEvent(Tuple.of(1, "open"), event))
                  .map(rows -> rows.rowCount()),
              WAIT);

      assertThat(first).isEqualTo(1);
      assertThat(again).as("the guard no longer matches: no event").isZero();
      assertThat(TestDb.text(pg, "SELECT state FROM things WHERE id = 1")).isEqualTo("closed");
      assertThat(
              TestDb.text(
                  pg,
                  "SELECT topic || ' ' || event_key || ' ' || event_type || ' ' || payload"
                      + " FROM outbox"))
          .isEqualTo("things.v1 1 thing.closed {\"id\": 1}");
    } finally {
      TestServices.await(vertx.close(), WAIT);
    }
  }
}
