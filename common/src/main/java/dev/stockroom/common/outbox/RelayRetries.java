package dev.stockroom.common.outbox;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a relay whose cycles fail tries again, and what it tells the operator. The delay doubles
 * from 100 ms to at most a second: while Kafka is away an attempt waits in the client up to its
 * {@code max.block.ms} anyway, so the cap decides only how late the relay notices the broker is
 * back. Logged: the first failure, every new kind of failure (its class and message, numbers
 * aside), every 20th, and the first success after them with how long publishing stood still (since
 * the last successful cycle).
 */
final class RelayRetries {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelayVerticle.class);
  static final long MAX_DELAY_MS = 1000;

  private final LongSupplier nanoTime;
  private int failures;
  private long lastSuccessNanos;
  private long retryAfterNanos;
  private String lastKind;

  RelayRetries(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.lastSuccessNanos = nanoTime.getAsLong();
  }

  /** Whether the relay should wait before its next attempt. */
  boolean waiting() {
    return failures > 0 && nanoTime.getAsLong() < retryAfterNanos;
  }

  /**
   * Records a failed attempt and schedules the next one.
   *
   * @return whether this failure was logged
   */
  boolean failed(Throwable failure) {
    long now = nanoTime.getAsLong();
    failures++;
    long delayMs = delayMs(failures);
    retryAfterNanos = now + TimeUnit.MILLISECONDS.toNanos(delayMs);
    String kind = kind(failure);
    boolean logged = !kind.equals(lastKind) || failures % 20 == 0;
    lastKind = kind;
    if (logged) {
      log.warn(
          "outbox relay cannot publish (attempt {}, nothing published for {} s), retrying in {} ms:"
              + " {}",
          failures,
          seconds(now - lastSuccessNanos),
          delayMs,
          failure.toString());
    }
    return logged;
  }

  /** Records a successful cycle; logs the recovery when cycles had been failing. */
  void succeeded() {
    long now = nanoTime.getAsLong();
    if (failures > 0) {
      log.info(
          "outbox relay publishing again after {} failed attempts; nothing was published for {} s",
          failures,
          seconds(now - lastSuccessNanos));
    }
    lastSuccessNanos = now;
    failures = 0;
    lastKind = null;
  }

  static long delayMs(int failures) {
    return Math.min(MAX_DELAY_MS, 50L << Math.min(Math.max(failures, 1), 5));
  }

  /** A failure's class and message with its numbers (partitions, milliseconds) left out. */
  private static String kind(Throwable failure) {
    String message = failure.getMessage() == null ? "" : failure.getMessage();
    return failure.getClass().getName() + ": " + message.replaceAll("[0-9]+", "#");
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
  }
}
