package dev.stockroom.common.outbox;

import dev.stockroom.common.db.Migrations;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/**
 * Writes events into the outbox. Call it with the transaction's connection, so the events commit or
 * roll back together with the change they describe.
 */
public final class Outbox {
  public static final Migrations MIGRATIONS = new Migrations("db/outbox", "flyway_outbox_history");

  private static final String INSERT =
      "INSERT INTO outbox (topic, event_key, event_type, event_id, payload)"
          + " VALUES ($1, $2, $3, $4, $5)";

  private Outbox() {}

  public static Future<Void> append(SqlClient transaction, List<OutboxEvent> events) {
    List<Tuple> rows =
        events.stream()
            .map(e -> Tuple.of(e.topic(), e.key(), e.type(), UUID.randomUUID(), e.data()))
            .toList();
    return transaction.preparedQuery(INSERT).executeBatch(rows).mapEmpty();
  }

  public static Future<Void> append(SqlClient transaction, OutboxEvent event) {
    return append(transaction, List.of(event));
  }
}
