package dev.stockroom.inventory.reservations;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Stock taken for an order; the lines keep the name and unit price as they were when taken. */
public record Reservation(
    String reservationId,
    String status,
    OffsetDateTime expiresAt,
    String fingerprint,
    List<Line> lines) {

  public Reservation {
    lines = lines.stream().sorted(Comparator.comparing(Line::sku)).toList();
  }

  /** One sku of a reservation. */
  public record Line(String sku, int quantity, String name, long unitPriceCents) {
    static Line from(Row row) {
      return new Line(
          row.getString("sku"),
          row.getInteger("quantity"),
          row.getString("name"),
          row.getLong("unit_price_cents"));
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("sku", sku)
          .put("quantity", quantity)
          .put("name", name)
          .put("unitPriceCents", unitPriceCents);
    }
  }

  /** The reservation row alone, lines to follow. */
  static Reservation header(Row row) {
    return new Reservation(
        row.getString("reservation_id"),
        row.getString("status"),
        row.getOffsetDateTime("expires_at"),
        row.getString("fingerprint"),
        List.of());
  }

  /** A reservation joined with its lines, one row per line; empty when there are no rows. */
  static Optional<Reservation> fromJoined(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Reservation header = header(rows.iterator().next());
    List<Line> lines = new ArrayList<>();
    rows.forEach(row -> lines.add(Line.from(row)));
    return Optional.of(header.withLines(lines));
  }

  Reservation withLines(List<Line> taken) {
    return new Reservation(reservationId, status, expiresAt, fingerprint, taken);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("reservationId", reservationId)
        .put("status", status)
        .put("expiresAt", expiresAt.toInstant().toString())
        .put("lines", new JsonArray(lines.stream().map(Line::toJson).toList()));
  }
}
