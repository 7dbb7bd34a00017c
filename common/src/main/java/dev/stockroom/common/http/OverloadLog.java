package dev.stockroom.common.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusals under overload (503), summed up in one warning per interval instead of one line (and
 * stack trace) per request: under overload, a log line per refusal costs the CPU and disk the
 * service is short of. The benchmark's 5,000 req/s run once wrote 640 MB of them in a minute.
 */
final class OverloadLog {
  private static final Logger log = LoggerFactory.getLogger(OverloadLog.class);

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong windowStart;
  private volatile String latest = "";

  OverloadLog(long intervalMillis) {
    this(intervalMillis, System::nanoTime);
  }

  OverloadLog(long intervalMillis, LongSupplier nanoTime) {
    this.intervalNanos = intervalMillis * 1_000_000;
    this.nanoTime = nanoTime;
    this.windowStart = new AtomicLong(nanoTime.getAsLong());
  }

  /** Counts one refusal; logs the count when the interval has passed (one caller wins). */
  void refused(String why) {
    latest = why;
    refused.incrementAndGet();
    flush();
  }

  /**
   * Logs the refusals counted since the last warning once the interval has passed. Called with
   * every refusal and by a periodic timer ({@link HttpApiVerticle}): otherwise the last refusals of
   * a burst would wait for the next refusal, which may never come.
   */
  void flush() {
    long start = windowStart.get();
    long now = nanoTime.getAsLong();
    if (refused.get() > 0
        && now - start >= intervalNanos
        && windowStart.compareAndSet(start, now)) {
      long n = refused.getAndSet(0);
      log.warn(
          "{} request(s) refused with 503 in the last {} s ({}, the latest)",
          n,
          Math.round((now - start) / 1e9),
          latest);
    }
  }

  /** Refusals counted since the last warning. */
  long pending() {
    return refused.get();
  }
}
