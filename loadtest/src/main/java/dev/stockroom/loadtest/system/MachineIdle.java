package dev.stockroom.loadtest.system;

import dev.stockroom.loadtest.BenchContext;
import java.time.Duration;
import java.util.Locale;

/** Waiting for the machine to go quiet before a measurement: idle services, no background work. */
public final class MachineIdle {
  /** Below this many busy cores (averaged over a window) the machine counts as idle. */
  static final double IDLE_CORES = 0.3;

  private static final long WINDOW_MILLIS = 2000;

  private MachineIdle() {}

  /**
   * Samples the whole machine's CPU in 2-second windows until two windows in a row are idle or
   * {@code atMost} passes; returns the busy cores of the last window.
   */
  public static double await(Duration atMost, BenchContext ctx) {
    long deadline = System.nanoTime() + atMost.toNanos();
    int quietWindows = 0;
    double busy = Double.NaN;
    while (quietWindows < 2 && System.nanoTime() < deadline) {
      double[] start = ProcStats.machineCpu();
      long t0 = System.nanoTime();
      ctx.pause(WINDOW_MILLIS);
      double[] end = ProcStats.machineCpu();
      busy = (end[0] - start[0]) / ((System.nanoTime() - t0) / 1e9);
      quietWindows = busy < IDLE_CORES ? quietWindows + 1 : 0;
      ctx.say(String.format(Locale.ROOT, "  machine busy: %.2f cores", busy));
    }
    return busy;
  }
}
