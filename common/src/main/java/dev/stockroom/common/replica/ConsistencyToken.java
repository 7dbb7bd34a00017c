package dev.stockroom.common.replica;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * A point in the owner's commit order, handed to a client after a write: the owner's database clock
 * read after the write committed. A copied row is at or past it when its freshness {@code asOf}
 * (also the owner's clock: the event's time or the partition's watermark) is not earlier. The text
 * form is opaque to clients; they pass it back as the {@value #HEADER} header or the {@code
 * consistentWith} query parameter.
 */
public record ConsistencyToken(Instant at) {
  public static final String HEADER = "Stockroom-Consistency";
  private static final String VERSION = "c1:";

  public String encode() {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, at);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((VERSION + micros).getBytes(StandardCharsets.US_ASCII));
  }

  /** Throws {@link IllegalArgumentException} for anything an owner did not hand out. */
  public static ConsistencyToken parse(String text) {
    try {
      String decoded =
          new String(Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.US_ASCII);
      if (!decoded.startsWith(VERSION)) {
        throw new IllegalArgumentException("not a consistency token");
      }
      long micros = Long.parseLong(decoded.substring(VERSION.length()));
      if (micros < 0) {
        // No owner's clock hands out a time before 1970 (and one before 1677 overflows encode).
        throw new IllegalArgumentException("a consistency token from before 1970");
      }
      return new ConsistencyToken(Instant.EPOCH.plus(micros, ChronoUnit.MICROS));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a consistency token this system handed out", e);
    }
  }

  public boolean satisfiedBy(Instant asOf) {
    return asOf != null && !asOf.isBefore(at);
  }
}
