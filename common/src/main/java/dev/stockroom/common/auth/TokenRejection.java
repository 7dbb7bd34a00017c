package dev.stockroom.common.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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

  /** What a caller is told about a failed authentication of {@code token}. */
  public static String describe(Throwable failure, String token) {
    if (failure instanceof TokenRejection own) {
      return own.getMessage();
    }
    String message =
        failure.getMessage() == null ? "" : failure.getMessage().toLowerCase(Locale.ROOT);
    String meaning =
        LIBRARY.stream()
            .filter(k -> message.contains(k.fragment()))
            .map(Known::meaning)
            .findFirst()
            .orElse("it is not a well-formed, signed JWT");
    return meaning.equals("it has expired") ? whichTime(token).orElse(meaning) : meaning;
  }

  /**
   * The library says "expired" of every time claim it refuses: exp passed, but also nbf or iat in
   * the future, which mean a clock ahead of this one, not a token to renew. Read from the claims
   * (the signature was verified before the times were checked), only when a token was refused.
   */
  private static Optional<String> whichTime(String token) {
    try {
      String[] parts = token.split("\\.");
      JsonObject claims =
          new JsonObject(
              new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      long now = Instant.now().getEpochSecond();
      Long exp = claims.getLong("exp");
      if (exp != null && exp <= now) {
        return Optional.empty();
      }
      Long nbf = claims.getLong("nbf");
      if (nbf != null && nbf > now) {
        return Optional.of(
            "it is not valid yet (nbf " + Instant.ofEpochSecond(nbf) + "): is a clock ahead?");
      }
      Long iat = claims.getLong("iat");
      if (iat != null && iat > now) {
        return Optional.of(
            "it was issued in the future (iat "
                + Instant.ofEpochSecond(iat)
                + "): is a clock ahead?");
      }
      return Optional.empty();
    } catch (RuntimeException unreadable) {
      return Optional.empty();
    }
  }
}
