package dev.stockroom.launcher;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Progress lines such as {@code ▸ PostgreSQL … up on 5432 (2.1 s)}. Each line is printed whole when
 * its step ends, because steps may run in parallel (the three services start together) and
 * half-printed lines would interleave.
 */
final class Progress {
  private final PrintStream out;

  Progress(PrintStream out) {
    this.out = out;
  }

  /** A progress sink that prints nothing, for tests that only care about the outcome. */
  static Progress silent() {
    return new Progress(new PrintStream(PrintStream.nullOutputStream()));
  }

  /** A started step; {@link #done} prints its line with the elapsed time. */
  final class Step {
    private final String what;
    private final long startNanos = System.nanoTime();

    private Step(String what) {
      this.what = what;
    }

    void done(String outcome) {
      line(what + " … " + outcome + " (" + seconds(System.nanoTime() - startNanos) + ")");
    }
  }

  Step start(String what) {
    return new Step(what);
  }

  /** Runs a blocking step and prints its outcome, computed from the step's result. */
  <T> T step(String what, Supplier<T> action, java.util.function.Function<T, String> outcome) {
    Step step = start(what);
    T result = action.get();
    step.done(outcome.apply(result));
    return result;
  }

  synchronized void line(String text) {
    out.println("▸ " + text);
    out.flush();
  }

  synchronized void plain(String text) {
    out.println(text);
    out.flush();
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
