package dev.stockroom.inventory.report;

import dev.stockroom.common.http.Problem;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/** The keyset position of a report page: the (quantity, sku) of its last row, opaque to clients. */
public record Cursor(int quantity, String sku) {
  /**
   * The characters and length of the contract's SkuValue, to the end of the input: Java's {@code $}
   * also matches before a final line terminator, which let a forged "1:A\n" through.
   */
  private static final Pattern SKU = Pattern.compile("^[A-Za-z0-9._-]{1,64}(?![\\s\\S])");

  static final Cursor START = new Cursor(-1, "");

  /** The position after a row of {@link LowStockQuery#SQL}. */
  public static Cursor of(Row row) {
    return new Cursor(row.getInteger("quantity"), row.getString("sku"));
  }

  String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((quantity + ":" + sku).getBytes(StandardCharsets.UTF_8));
  }

  static Cursor decode(String value) {
    if (value == null) {
      return START;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      String sku = text.substring(colon + 1);
      // Only a sku the contract accepts (SkuValue): a forged one reached PostgreSQL, and U+0000
      // there was a 500.
      if (!SKU.matcher(sku).find()) {
        throw new IllegalArgumentException("not a sku");
      }
      Cursor cursor = new Cursor(Integer.parseInt(text.substring(0, colon)), sku);
      // Only what encode() writes: parseInt also takes "+1", "01" and other scripts' digits.
      if (!cursor.encode().equals(value)) {
        throw new IllegalArgumentException("not as encoded");
      }
      return cursor;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw Problem.badRequest("query after", "after is not a cursor this report gave out");
    }
  }
}
