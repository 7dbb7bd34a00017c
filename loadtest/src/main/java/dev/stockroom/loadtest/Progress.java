package dev.stockroom.loadtest;

import java.util.Locale;

/**
 * What the run is doing and what it says about it: time-stamped progress lines, timed start-up
 * steps, and the label (start-up, seeding, a scenario, stopping) memory samples are filed under.
 */
public final class Progress {
  private final long started = System.nanoTime();
  // Read by the RSS sampler thread.
  private volatile String label = "start-up";
  // Only scenarios count here: a crash is reported as "during" the last scenario that ran.
  private String lastScenario = "start-up";

  public void say(String line) {
    System.out.printf(Locale.ROOT, "[%6.1fs] %s%n", elapsedSeconds(), line);
    System.out.flush();
  }

  /** Runs one start-up step and says how long it took; a failure ends the run. */
  public void step(String name, Runnable body) {
    long t = System.nanoTime();
    body.run();
    say(String.format(Locale.ROOT, "%s: ready in %.1f s", name, (System.nanoTime() - t) / 1e9));
  }

  public double elapsedSeconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  public void label(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public void enterScenario(String name) {
    lastScenario = name;
    label = name;
  }

  public String lastScenario() {
    return lastScenario;
  }
}
