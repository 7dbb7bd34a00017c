package dev.stockroom.common.outbox;

import dev.stockroom.common.db.Migrations;
import dev.stockroom.common.tracing.TraceContexts;
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
      "INSERT INTO outbox (topic, event_key, event_type, event_id, payload, trace_context)"
          + " VALUES ($1, $2, $3, $4, $5, $6)";

  private Outbox() {}

  public static Future<Void> append(SqlClient transaction, List<OutboxEvent> events) {
    // The trace of the request that writes them travels with the events (NULL when untraced).
    String trace = TraceContexts.current();
    List<Tuple> rows =
        events.stream()
            .map(
                e ->
                    Tuple.from(
                        java.util.Arrays.asList(
                            e.topic(), e.key(), e.type(), UUID.randomUUID(), e.data(), trace)))
            .toList();
    return transaction.preparedQuery(INSERT).executeBatch(rows).mapEmpty();
  }

  public static Future<Void> append(SqlClient transaction, OutboxEvent event) {
    return append(transaction, List.of(event));
  }

  /**
   * One statement that writes an event if, and only if, {@code guardedWrite} (a data-modifying
   * statement with RETURNING and parameters $1 to ${@code writeParameters}) changed a row: atomic
   * as one statement, so no transaction and one round trip instead of four (BEGIN, the write, the
   * event, COMMIT). Its row count is the number of events written. Execute it with {@link
   * #withEvent}.
   */
  public static String afterWrite(String guardedWrite, int writeParameters) {
    int p = writeParameters;
    return "WITH written AS ("
        + guardedWrite
        + ") INSERT INTO outbox (topic, event_key, event_type, event_id, payload, trace_context)"
        + " SELECT $"
        + (p + 1)
        + "::text, $"
        + (p + 2)
        + "::text, $"
        + (p + 3)
        + "::text, $"
        + (p + 4)
        + "::uuid, $"
        + (p + 5)
        + "::jsonb, $"
        + (p + 6)
        + "::text FROM written";
  }

  /** The write's parameters followed by the event's, for a statement of {@link #afterWrite}. */
  public static Tuple withEvent(Tuple write, OutboxEvent event) {
    return write
        .addString(event.topic())
        .addString(event.key())
        .addString(event.type())
        .addUUID(UUID.randomUUID())
        .addValue(event.data())
        .addString(TraceContexts.current());
  }
}
