package dev.stockroom.inventory.report;

import dev.stockroom.common.http.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/** The keyset position of a report page: the (quantity, sku) of its last row, opaque to clients. */
record Cursor(int quantity, String sku) {
  /** The contract's SkuValue, matched as its validator does (find), so every sku it let in. */
  private static final Pattern SKU = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

  static final Cursor START = new Cursor(-1, "");

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
      return new Cursor(Integer.parseInt(text.substring(0, colon)), sku);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw Problem.badRequest("query after", "after is not a cursor this report gave out");
    }
  }
}
