package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.Failures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Faults injected into a running load at set offsets from its start, on a thread of their own so
 * the load is measured meanwhile. Each becomes an event with its outcome (a failed fault too).
 */
final class FaultSchedule {
  /** Something done to the system {@code offsetMillis} after the measured load started. */
  record Fault(long offsetMillis, String what, Runnable action) {}

  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;

  private FaultSchedule(BenchContext ctx, long loadStart, List<Fault> faults) {
    this.thread = new Thread(() -> inject(ctx, loadStart, faults), "faults");
  }

  static FaultSchedule start(BenchContext ctx, long loadStart, List<Fault> faults) {
    FaultSchedule schedule = new FaultSchedule(ctx, loadStart, faults);
    schedule.thread.start();
    return schedule;
  }

  private void inject(BenchContext ctx, long loadStart, List<Fault> faults) {
    for (Fault f : faults) {
      ctx.sleepUntil(loadStart + f.offsetMillis());
      long s = System.currentTimeMillis();
      String outcome = "done";
      try {
        f.action().run();
      } catch (RuntimeException e) {
        outcome = "FAILED: " + Failures.rootMessage(e);
      }
      long e = System.currentTimeMillis();
      String line =
          String.format(
              Locale.ROOT,
              "t=%.1f s: %s (%s, took %.1f s)",
              (s - loadStart) / 1000.0,
              f.what(),
              outcome,
              (e - s) / 1000.0);
      events.add(line);
      ctx.say("  " + line);
    }
  }

  void awaitEnd() {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  List<String> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }
}
