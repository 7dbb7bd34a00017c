package dev.stockroom.common.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls until a condition holds or a deadline passes: tests wait for outcomes, never sleep. */
public final class Eventually {
  private Eventually() {}

  public static void assertWithin(Duration deadline, Runnable assertion) {
    long end = System.nanoTime() + deadline.toNanos();
    AssertionError last = null;
    while (System.nanoTime() < end) {
      try {
        assertion.run();
        return;
      } catch (AssertionError | RuntimeException e) {
        last = e instanceof AssertionError a ? a : new AssertionError(e.getMessage(), e);
      }
      pause();
    }
    if (last != null) {
      throw last;
    }
    assertion.run();
  }

  public static <T> T waitFor(Duration deadline, Supplier<T> value, String what) {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      T result = value.get();
      if (result != null && !Boolean.FALSE.equals(result)) {
        return result;
      }
      pause();
    }
    throw new AssertionError("timed out after " + deadline + " waiting for " + what);
  }

  private static void pause() {
    // A polling interval, not a synchronisation: the loop re-checks the real condition.
    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(25).toNanos());
  }
}
