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

  /** The payload of the notification that asks the relay for a watermark soon. */
  static final String WATERMARK_WANTED = "watermark";

  /**
   * For a write that hands its writer a consistency token but changed nothing (no event): at its
   * commit the relay is asked for a watermark soon, as after a cycle that published, so a read with
   * the token finds the copies caught up within milliseconds instead of waiting for the periodic
   * watermark.
   */
  public static Future<Void> requestWatermark(SqlClient transaction) {
    return transaction
        .query("SELECT pg_notify('outbox', '" + WATERMARK_WANTED + "')")
        .execute()
        .mapEmpty();
  }

  /**
   * One statement that writes the events of the rows {@code guardedWrite} changes, and only those:
   * atomic as one statement, so no transaction and one round trip instead of four (BEGIN, the
   * write, the events, COMMIT), for many rows at once. The write (a data-modifying statement with
   * parameters $1 to ${@code writeParameters}) must return each changed row's event key as {@code
   * event_key}; the statement returns the keys whose events were written. Execute it with {@link
   * #withEvents}.
   */
  public static String afterWrite(String guardedWrite, int writeParameters) {
    StringBuilder arrays = new StringBuilder();
    String[] types = {"text", "text", "text", "uuid", "text", "text"};
    for (int i = 0; i < types.length; i++) {
      arrays.append(i == 0 ? "" : ", ").append('$').append(writeParameters + 1 + i);
      arrays.append("::").append(types[i]).append("[]");
    }
    return "WITH written AS ("
        + guardedWrite
        + ") INSERT INTO outbox (topic, event_key, event_type, event_id, payload, trace_context)"
        + " SELECT e.topic, e.event_key, e.event_type, e.event_id, e.payload::jsonb,"
        + " e.trace_context FROM unnest("
        + arrays
        + ") AS e (topic, event_key, event_type, event_id, payload, trace_context)"
        + " JOIN written w ON w.event_key = e.event_key RETURNING event_key";
  }

  /**
   * The write's parameters followed by the events' (one per row the write may change, keyed as it
   * returns them), for a statement of {@link #afterWrite}; {@code traces} are the traceparents of
   * the work each event comes from (null: untraced).
   */
  public static Tuple withEvents(Tuple write, List<OutboxEvent> events, List<String> traces) {
    return write
        .addArrayOfString(events.stream().map(OutboxEvent::topic).toArray(String[]::new))
        .addArrayOfString(events.stream().map(OutboxEvent::key).toArray(String[]::new))
        .addArrayOfString(events.stream().map(OutboxEvent::type).toArray(String[]::new))
        .addArrayOfUUID(events.stream().map(e -> UUID.randomUUID()).toArray(UUID[]::new))
        .addArrayOfString(
            events.stream()
                .map(e -> e.data() == null ? null : e.data().encode())
                .toArray(String[]::new))
        .addArrayOfString(traces.toArray(String[]::new));
  }
}
