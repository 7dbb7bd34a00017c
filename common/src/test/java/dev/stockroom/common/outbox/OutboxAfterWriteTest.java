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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Events written with their guarded write in one statement")
class OutboxAfterWriteTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static OutboxEvent event(int id) {
    return new OutboxEvent("things.v1", "" + id, "thing.closed", new JsonObject().put("id", id));
  }

  private static List<String> close(Pool pool, String sql, Tuple parameters) {
    return TestServices.await(
        pool.preparedQuery(sql)
            .execute(parameters)
            .map(
                rows -> {
                  List<String> keys = new ArrayList<>();
                  rows.forEach(row -> keys.add(row.getString("event_key")));
                  keys.sort(null);
                  return keys;
                }),
        WAIT);
  }

  @Test
  @DisplayName("the events are written for exactly the rows the guarded write changes")
  void onlyWithTheWrite() {
    PlatformConfig config =
        PlatformConfig.from(new Env(TestServices.env("outbox_after_write")), "writetest", 8099);
    String pg = config.pgUri().toString();
    Vertx vertx = Vertx.vertx();
    try {
      TestServices.await(Database.migrate(vertx, config, List.of(Outbox.MIGRATIONS)), WAIT);
      TestDb.execute(pg, "CREATE TABLE things (id int PRIMARY KEY, state text NOT NULL)");
      TestDb.execute(pg, "INSERT INTO things VALUES (1, 'open'), (2, 'open'), (3, 'closed')");
      Pool pool = Database.pool(vertx, config);
      String close =
          Outbox.afterWrite(
              "UPDATE things SET state = 'closed' WHERE id = ANY($1::int[]) AND state = 'open'"
                  + " RETURNING id::text AS event_key",
              1);
      List<OutboxEvent> events =
          List.of(event(1), event(2), event(3), OutboxEvent.tombstone("things.v1", "4"));
      List<String> traces = Arrays.asList("00-trace-1", null, null, null);
      Tuple all = Tuple.of((Object) new Integer[] {1, 2, 3, 4});

      List<String> first = close(pool, close, Outbox.withEvents(all, events, traces));
      List<String> again =
          close(
              pool,
              close,
              Outbox.withEvents(Tuple.of((Object) new Integer[] {1, 2}), events, traces));

      assertThat(first).as("the rows the write changed, and no other").containsExactly("1", "2");
      assertThat(again).as("the guard no longer matches: no event").isEmpty();
      assertThat(
              TestDb.text(
                  pg,
                  "SELECT string_agg(topic || ' ' || event_key || ' ' || event_type || ' ' || payload"
                      + " || ' ' || coalesce(trace_context, '-'), ', ' ORDER BY event_key)"
                      + " FROM outbox"))
          .isEqualTo(
              "things.v1 1 thing.closed {\"id\": 1} 00-trace-1, things.v1 2 thing.closed {\"id\": 2} -");
    } finally {
      TestServices.await(vertx.close(), WAIT);
    }
  }
}
