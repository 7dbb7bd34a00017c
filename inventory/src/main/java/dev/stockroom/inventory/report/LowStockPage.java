package dev.stockroom.inventory.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import dev.stockroom.common.http.IsoInstants;
import dev.stockroom.common.http.JsonNames;
import dev.stockroom.common.replica.ReplicaEntry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A page of the report as the contract shows it: each item, its last stocker as the replica read
 * answered for them, and the cursor to the next page. Written straight into the response's bytes
 * (Jackson's streaming generator): building a JsonObject tree per item and stocker, then encoding
 * it to a String and that to UTF-8, was the largest share of the report's CPU. The bytes go
 * straight into the response's buffer: a byte array stream, its copy and the buffer's copy of that
 * were 54 KB of the 145 KB a report request allocated (allocation profile, 50 items). The
 * benchmarks' bare baseline renders with it too, so the two bodies are the same by construction.
 */
public final class LowStockPage {
  private static final JsonFactory JSON = new JsonFactory();
  private static final SerializableString SKU = JsonNames.of("sku");
  private static final SerializableString NAME = JsonNames.of("name");
  private static final SerializableString PRICE_CENTS = JsonNames.of("priceCents");
  private static final SerializableString QUANTITY = JsonNames.of("quantity");
  private static final SerializableString RESERVED = JsonNames.of("reserved");
  private static final SerializableString AVAILABLE = JsonNames.of("available");
  private static final SerializableString LOW_STOCK_THRESHOLD = JsonNames.of("lowStockThreshold");
  private static final SerializableString LAST_STOCKED_AT = JsonNames.of("lastStockedAt");
  private static final SerializableString LAST_STOCKED_BY = JsonNames.of("lastStockedBy");

  private LowStockPage() {}

  /** Column positions of {@link LowStockQuery#SQL}, looked up once per page, not per cell. */
  private record Columns(
      int sku,
      int name,
      int priceCents,
      int quantity,
      int reserved,
      int threshold,
      int lastStockedAt,
      int lastStockedBy) {
    static Columns of(Row row) {
      return new Columns(
          row.getColumnIndex("sku"),
          row.getColumnIndex("name"),
          row.getColumnIndex("price_cents"),
          row.getColumnIndex("quantity"),
          row.getColumnIndex("reserved"),
          row.getColumnIndex("low_stock_threshold"),
          row.getColumnIndex("last_stocked_at"),
          row.getColumnIndex("last_stocked_by"));
    }
  }

  /**
   * {@code page}: rows of {@link LowStockQuery#SQL}; {@code stockers}: each stocker's entry; {@code
   * next}: where the next page starts, null on the last; {@code consistency}: the read-your-writes
   * answer, when one was asked for.
   */
  public static Buffer render(
      List<Row> page, Map<UUID, ReplicaEntry> stockers, Cursor next, JsonObject consistency) {
    Buffer body = Buffer.buffer(512 + 512 * page.size());
    try (JsonGenerator json = JSON.createGenerator(new Appending(body), JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeArrayFieldStart("items");
      Columns c = page.isEmpty() ? null : Columns.of(page.get(0));
      for (Row row : page) {
        item(json, row, c, stockers);
      }
      json.writeEndArray();
      if (next != null) {
        json.writeStringField("next", next.encode());
      } else {
        json.writeNullField("next");
      }
      if (consistency != null) {
        json.writeFieldName("consistency");
        json.writeRawValue(consistency.encode());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return body;
  }

  /** Jackson's output appended to a buffer (its own 8 KB chunk is recycled per thread). */
  private static final class Appending extends OutputStream {
    private final Buffer buffer;

    Appending(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.appendBytes(bytes, offset, length);
    }
  }

  /** The fields of {@code Item.toJson()}, in its order, with the stocker's entry for its id. */
  private static void item(JsonGenerator json, Row row, Columns c, Map<UUID, ReplicaEntry> stockers)
      throws IOException {
    int quantity = row.getInteger(c.quantity());
    int reserved = row.getInteger(c.reserved());
    json.writeStartObject();
    json.writeFieldName(SKU);
    json.writeString(row.getString(c.sku()));
    json.writeFieldName(NAME);
    json.writeString(row.getString(c.name()));
    json.writeFieldName(PRICE_CENTS);
    json.writeNumber(row.getLong(c.priceCents()));
    json.writeFieldName(QUANTITY);
    json.writeNumber(quantity);
    json.writeFieldName(RESERVED);
    json.writeNumber(reserved);
    json.writeFieldName(AVAILABLE);
    json.writeNumber(quantity - reserved);
    json.writeFieldName(LOW_STOCK_THRESHOLD);
    json.writeNumber(row.getInteger(c.threshold()));
    OffsetDateTime stockedAt = row.getOffsetDateTime(c.lastStockedAt());
    json.writeFieldName(LAST_STOCKED_AT);
    json.writeString(stockedAt == null ? null : IsoInstants.format(stockedAt.toInstant()));
    UUID stocker = row.getUUID(c.lastStockedBy());
    json.writeFieldName(LAST_STOCKED_BY);
    if (stocker == null) {
      json.writeNull();
    } else {
      stockers.get(stocker).writeTo(json);
    }
    json.writeEndObject();
  }
}
