package dev.stockroom.common.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a JSON body whose text holds the NUL character. JSON can carry it (escaped as {@code
 * \u0000}) and the contract's string schemas accept it, but PostgreSQL's text cannot store it: the
 * insert failed and the client got a 500 for a name, an item or an address with a NUL in it. (A raw
 * NUL byte is not valid JSON and is refused by the decoder; in a path or a query the contract
 * refuses it.)
 */
final class NulText {
  static final String DETAIL =
      "Text in the request body may not contain the NUL character (\\u0000)";

  private NulText() {}

  /** {@code next}, for a request whose body holds no NUL; a 400 problem for one that does. */
  static Handler<RoutingContext> refusedBefore(Handler<RoutingContext> next) {
    return ctx -> {
      Buffer body = ctx.body() == null ? null : ctx.body().buffer();
      if (body != null && containsEscapedNul(body)) {
        ctx.fail(Problem.badRequest("/", DETAIL));
        return;
      }
      next.handle(ctx);
    };
  }

  /**
   * Whether {@code json} has a {@code \u0000} escape: a backslash that is not itself escaped (an
   * odd run of backslashes) followed by {@code u0000}.
   */
  static boolean containsEscapedNul(Buffer json) {
    int length = json.length();
    int backslashes = 0;
    for (int i = 0; i < length; i++) {
      byte b = json.getByte(i);
      if (b == '\\') {
        backslashes++;
        continue;
      }
      if (b == 'u' && backslashes % 2 == 1 && i + 4 < length && zeros(json, i + 1)) {
        return true;
      }
      backslashes = 0;
    }
    return false;
  }

  private static boolean zeros(Buffer json, int from) {
    for (int i = from; i < from + 4; i++) {
      if (json.getByte(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
