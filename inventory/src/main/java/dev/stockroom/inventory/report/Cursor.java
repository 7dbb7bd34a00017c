package dev.stockroom.inventory.report;

import dev.stockroom.common.http.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The keyset position of a report page: the (quantity, sku) of its last row, opaque to clients. */
record Cursor(int quantity, String sku) {
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
      return new Cursor(Integer.parseInt(text.substring(0, colon)), text.substring(colon + 1));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw Problem.badRequest("query after", "after is not a cursor this report gave out");
    }
  }
}
