package dev.stockroom.common.auth;

import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;

/**
 * Why a bearer token was refused, in words fit for the caller. Stockroom's own checks fail with
 * this type; a failure from the JWT library is named by what it means ({@link #describe}), never by
 * its own message: a token that is not base64 JSON surfaces as the JSON parser's text, with its
 * position and source, which is noise to a client and detail an attacker has no business seeing.
 */
public final class TokenRejection extends RuntimeException {
  private record Known(String fragment, String meaning) {}

  /** vertx-auth-jwt 5.0.x's messages, matched loosely, and what each means to a caller. */
  private static final List<Known> LIBRARY =
      List.of(
          new Known("expired", "it has expired"),
          new Known("issuer", "its issuer is not one this service trusts"),
          new Known("audience", "its audience is not this service"),
          new Known("signature", "its signature does not verify with a key this service trusts"),
          new Known("not signed", "it is not signed"),
          new Known("\"none\"", "it is not signed"));

  private TokenRejection(String reason) {
    super(reason, null, false, false);
  }

  static <T> Future<T> refuse(String reason) {
    return Future.failedFuture(new TokenRejection(reason));
  }

  /** What a caller is told about a failed authentication. */
  public static String describe(Throwable failure) {
    if (failure instanceof TokenRejection own) {
      return own.getMessage();
    }
    String message =
        failure.getMessage() == null ? "" : failure.getMessage().toLowerCase(Locale.ROOT);
    return LIBRARY.stream()
        .filter(k -> message.contains(k.fragment()))
        .map(Known::meaning)
        .findFirst()
        .orElse("it is not a well-formed, signed JWT");
  }
}
