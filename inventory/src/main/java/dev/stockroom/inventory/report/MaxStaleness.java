package dev.stockroom.inventory.report;

import dev.stockroom.common.http.Problem;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A report's {@code maxStaleness}: any ISO-8601 duration, held to REPLICA_TTL. Java's {@code
 * Duration.parse} knows neither years, months nor weeks and fails past its range, so {@code P1Y} or
 * {@code PT99999999999999999999S}, valid durations larger than any budget, were refused; here a
 * year counts as 365 days, a month as 28 (their shortest), so that a request is never granted more
 * staleness than it asked for.
 */
final class MaxStaleness {
  private static final Pattern ISO_8601 =
      Pattern.compile(
          "P(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)W)?(?:(\\d+)D)?"
              + "(?:T(?=\\d)(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+(?:[.,]\\d{1,9})?)S)?)?",
          Pattern.CASE_INSENSITIVE);

  /** Seconds per unit of each group above, in order. */
  private static final long[] SECONDS = {
    365 * 86_400L, 28 * 86_400L, 7 * 86_400L, 86_400L, 3_600L, 60L, 1L
  };

  private MaxStaleness() {}

  /** {@code value} as a duration, at most {@code cap}; a 400 problem when it is none. */
  static Duration atMost(String value, Duration cap) {
    if (value.contains("-")) {
      throw Problem.badRequest("query maxStaleness", "maxStaleness must not be negative");
    }
    Matcher m = ISO_8601.matcher(value);
    if (value.length() < 3 || !m.matches()) {
      throw Problem.badRequest(
          "query maxStaleness", "maxStaleness must be an ISO-8601 duration such as PT5M or PT0S");
    }
    BigDecimal seconds = BigDecimal.ZERO;
    for (int group = 1; group <= SECONDS.length; group++) {
      String amount = m.group(group);
      if (amount != null) {
        seconds =
            seconds.add(
                new BigDecimal(amount.replace(',', '.'))
                    .multiply(BigDecimal.valueOf(SECONDS[group - 1])));
      }
    }
    if (seconds.compareTo(BigDecimal.valueOf(cap.getSeconds()).add(BigDecimal.ONE)) > 0) {
      return cap;
    }
    Duration asked =
        Duration.ofSeconds(
            seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
    return asked.compareTo(cap) > 0 ? cap : asked;
  }
}
