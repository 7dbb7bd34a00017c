package dev.stockroom.common.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a JSON body whose text PostgreSQL cannot store as sent. JSON escapes can carry the NUL
 * character ({@code \u0000}) and half of a surrogate pair ({@code \ud800} alone), and the
 * contract's string schemas accept both; but PostgreSQL's text cannot hold U+0000 (the insert
 * failed: a 500) and UTF-8 has no lone surrogates (the driver wrote {@code ?} instead: a name
 * silently changed). Raw bytes need no check: invalid UTF-8 is refused by the decoder, and a path
 * or a query by the contract.
 */
final class StorableText {
  static final String DETAIL =
      "Text in the request body may not contain the NUL character (\\u0000) or half of a"
          + " surrogate pair";

  private StorableText() {}

  /** {@code next}, for a request whose body text is storable; a 400 problem otherwise. */
  static Handler<RoutingContext> refusedBefore(Handler<RoutingContext> next) {
    return ctx -> {
      Buffer body = ctx.body() == null ? null : ctx.body().buffer();
      if (body != null && !storable(body)) {
        ctx.fail(Problem.badRequest("/", DETAIL));
        return;
      }
      next.handle(ctx);
    };
  }

  /**
   * Whether every {@code \\uXXXX} escape in {@code json} is a character PostgreSQL can store: not
   * U+0000, and surrogates only as a high one directly followed by a low one. An escape starts at a
   * backslash that is not itself escaped (an odd run of backslashes).
   */
  static boolean storable(Buffer json) {
    int length = json.length();
    int backslashes = 0;
    boolean highPending = false;
    for (int i = 0; i < length; i++) {
      byte b = json.getByte(i);
      if (b == '\\') {
        backslashes++;
        continue;
      }
      boolean escape = backslashes % 2 == 1;
      backslashes = 0;
      int unit = escape && b == 'u' ? hex4(json, i + 1) : -1;
      if (unit < 0) {
        if (highPending) {
          return false; // a high surrogate followed by anything but an escape
        }
        continue;
      }
      i += 4;
      boolean high = unit >= 0xD800 && unit <= 0xDBFF;
      boolean low = unit >= 0xDC00 && unit <= 0xDFFF;
      if (unit == 0 || low != highPending) {
        return false;
      }
      highPending = high;
    }
    return !highPending;
  }

  /** The four hex digits from {@code from} as a number, or -1 when they are not there. */
  private static int hex4(Buffer json, int from) {
    if (from + 4 > json.length()) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < from + 4; i++) {
      int digit = Character.digit(json.getByte(i), 16);
      if (digit < 0) {
        return -1;
      }
      value = value * 16 + digit;
    }
    return value;
  }
}
