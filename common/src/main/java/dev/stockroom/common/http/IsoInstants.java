package dev.stockroom.common.http;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Instants written exactly as {@link Instant#toString()} writes them ({@code
 * 2026-12-04T12:00:00.123456Z}: seconds always, the fraction in groups of three digits as needed),
 * without going through {@code DateTimeFormatter}: a page of the report writes a hundred of them,
 * and the formatter was ~8% of the report's CPU. Half of them are the same few instants (a
 * stocker's freshness is mostly its partition's watermark), so each thread remembers the last
 * instants it wrote.
 */
public final class IsoInstants {
  private static final int SLOTS = 16;

  /** A small direct-mapped cache: slot by hash, the last instant written there and its text. */
  private static final class Recent {
    final long[] seconds = new long[SLOTS];
    final int[] nanos = new int[SLOTS];
    final String[] texts = new String[SLOTS];
  }

  private static final ThreadLocal<Recent> RECENT = ThreadLocal.withInitial(Recent::new);

  private IsoInstants() {}

  public static String format(Instant t) {
    long seconds = t.getEpochSecond();
    int nanos = t.getNano();
    long h = seconds * 1_000_000_007L + nanos;
    int slot = (int) (h ^ (h >>> 29) ^ (h >>> 47)) & (SLOTS - 1);
    Recent recent = RECENT.get();
    String text = recent.texts[slot];
    if (text != null && recent.seconds[slot] == seconds && recent.nanos[slot] == nanos) {
      return text;
    }
    text = write(t);
    recent.seconds[slot] = seconds;
    recent.nanos[slot] = nanos;
    recent.texts[slot] = text;
    return text;
  }

  private static String write(Instant t) {
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
    int year = d.getYear();
    if (year < 1000 || year > 9999) {
      // Four digits only: other years have signs and padding rules of their own.
      return t.toString();
    }
    int nano = d.getNano();
    int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    char[] out = new char[20 + (digits == 0 ? 0 : digits + 1)];
    put(out, 0, year, 4);
    out[4] = '-';
    put(out, 5, d.getMonthValue(), 2);
    out[7] = '-';
    put(out, 8, d.getDayOfMonth(), 2);
    out[10] = 'T';
    put(out, 11, d.getHour(), 2);
    out[13] = ':';
    put(out, 14, d.getMinute(), 2);
    out[16] = ':';
    put(out, 17, d.getSecond(), 2);
    int at = 19;
    if (digits > 0) {
      out[at++] = '.';
      put(out, at, nano / pow10(9 - digits), digits);
      at += digits;
    }
    out[at] = 'Z';
    return new String(out);
  }

  /** {@code value} as exactly {@code width} decimal digits, zero-padded, at {@code at}. */
  private static void put(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static int pow10(int n) {
    int p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }
}
