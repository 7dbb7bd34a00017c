package dev.stockroom.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * The named time windows of a run with a fault in it ("before:20,during:20,after:20", seconds from
 * the start of the load). The simulation names each request after the window it was sent in, so
 * Gatling's own report gives error rate and latency per window; the runner injects the fault at the
 * window boundaries.
 */
public final class Phases {
  public record Phase(String name, long startMillis, long endMillis) {}

  private final List<Phase> phases;

  private Phases(List<Phase> phases) {
    this.phases = List.copyOf(phases);
  }

  /** No fault: one window called "all" that never ends. */
  public static Phases none() {
    return new Phases(List.of(new Phase("all", 0, Long.MAX_VALUE)));
  }

  /** Parses "name:seconds,name:seconds,..."; blank means {@link #none()}. */
  public static Phases parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return none();
    }
    List<Phase> list = new ArrayList<>();
    long start = 0;
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split(":");
      if (kv.length != 2 || kv[0].isBlank()) {
        throw new IllegalArgumentException("phase '" + part + "' is not name:seconds");
      }
      long millis = Math.round(Double.parseDouble(kv[1]) * 1000);
      if (millis <= 0) {
        throw new IllegalArgumentException("phase '" + part + "' must last more than 0 s");
      }
      list.add(new Phase(kv[0].trim(), start, start + millis));
      start += millis;
    }
    return new Phases(list);
  }

  public List<Phase> phases() {
    return phases;
  }

  /** The total length in seconds (the load's duration). */
  public double totalSeconds() {
    Phase last = phases.get(phases.size() - 1);
    return last.endMillis() == Long.MAX_VALUE ? Double.NaN : last.endMillis() / 1000.0;
  }

  /** The window containing this offset from the start; past the end, the last one. */
  public String at(long millisSinceStart) {
    for (Phase p : phases) {
      if (millisSinceStart < p.endMillis()) {
        return p.name();
      }
    }
    return phases.get(phases.size() - 1).name();
  }

  /** The offset (ms) at which the named window starts. */
  public long startOf(String name) {
    return phases.stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no phase " + name))
        .startMillis();
  }

  public boolean isSingle() {
    return phases.size() == 1;
  }
}
