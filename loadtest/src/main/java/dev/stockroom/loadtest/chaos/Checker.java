package dev.stockroom.loadtest.chaos;

import dev.stockroom.loadtest.chaos.History.Read;
import dev.stockroom.loadtest.chaos.History.Row;
import dev.stockroom.loadtest.chaos.History.Write;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Decides from a {@link History} alone, without asking the services anything, whether the run kept
 * the system's promises: freshness claims are true, acknowledged changes become visible everywhere,
 * orders add up, and the report answers while inventory and its database are up.
 */
public final class Checker {
  /** How exactly a timestamp from a service compares with the harness's clock: 1 ms. */
  static final long TOLERANCE_MICROS = 1_000;

  private static final int EXAMPLES = 10;

  /** One property's verdict: pass/fail, what was counted, and the first counterexamples. */
  public record Property(
      String name,
      boolean passed,
      Map<String, String> numbers,
      List<String> counterexamples,
      long violations) {}

  private Checker() {}

  public static List<Property> check(History h) {
    return List.of(
        new FreshnessClaims(h).check(),
        Visibility.check(h),
        OrderLedger.check(h),
        Availability.check(h),
        exercised(h));
  }

  /**
   * Property 5: the run tested what it says it did. A fault that was not injected or never healed,
   * or a run without acknowledged renames, copied people in the report or confirmed orders, would
   * let the other properties hold over nothing.
   */
  static Property exercised(History h) {
    List<String> examples = new ArrayList<>();
    h.faults.stream()
        .filter(f -> !f.outcome().equals("healed"))
        .forEach(f -> examples.add(fmt("fault %s (%s): %s", f.kind(), f.what(), f.outcome())));
    long acked = h.writes.stream().filter(Write::acknowledged).count();
    long rows = h.reads.stream().mapToLong(r -> r.rows().size()).sum();
    long confirmed = h.orders.stream().filter(o -> o.status().equals("CONFIRMED")).count();
    Map<String, String> n = new LinkedHashMap<>();
    n.put(
        "faults injected and healed",
        (h.faults.size() - examples.size()) + " of " + h.faults.size());
    n.put("acknowledged renames", String.valueOf(acked));
    n.put("copied people in report answers", String.valueOf(rows));
    n.put("confirmed orders", String.valueOf(confirmed));
    for (Map.Entry<String, String> e : n.entrySet()) {
      if (e.getValue().equals("0")) {
        examples.add("no " + e.getKey());
      }
    }
    return new Property(
        "Every fault healed, and renames, reads and orders all ran",
        examples.isEmpty(),
        n,
        examples,
        examples.size());
  }

  /** Acknowledged renames per person, in acknowledgement order. */
  static Map<String, List<Write>> acknowledged(History h) {
    Map<String, List<Write>> byUser = new HashMap<>();
    h.writes.stream()
        .filter(Write::acknowledged)
        .sorted(Comparator.comparingLong(Write::ackMicros))
        .forEach(w -> byUser.computeIfAbsent(w.user(), u -> new ArrayList<>()).add(w));
    return byUser;
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** Property 1: no row claims {@code asOf = T} while missing a change acknowledged before T. */
  static final class FreshnessClaims {
    private final History h;
    private final Map<String, List<Write>> acked;
    private final List<String> examples = new ArrayList<>();
    private long rows;
    private long claimViolations;
    private long budgetViolations;
    private long malformed;
    private final Map<String, Long> bySource = new TreeMap<>();

    FreshnessClaims(History h) {
      this.h = h;
      this.acked = acknowledged(h);
    }

    Property check() {
      for (Read r : h.reads) {
        if (r.status() != 200) {
          continue;
        }
        if (r.error() != null && r.error().startsWith(History.MALFORMED)) {
          malformed++;
          example(fmt("%s at t=%.3f s: %s", r.instance(), r.sentMs() / 1000, r.error()));
          continue;
        }
        for (Row row : r.rows()) {
          rows++;
          bySource.merge(row.source() + (row.stale() ? " (stale)" : ""), 1L, Long::sum);
          claim(r, row);
          budget(r, row);
        }
      }
      Map<String, String> n = new LinkedHashMap<>();
      n.put("rows checked", String.valueOf(rows));
      bySource.forEach((k, v) -> n.put("rows from " + k, String.valueOf(v)));
      n.put(
          "claims contradicted by an earlier acknowledged change", String.valueOf(claimViolations));
      n.put("fresh rows older than the budget asked for", String.valueOf(budgetViolations));
      n.put(
          "answers without the contract's freshness, or with another person's name",
          String.valueOf(malformed));
      long violations = claimViolations + budgetViolations + malformed;
      return new Property(
          "Freshness claims are true", violations == 0, n, List.copyOf(examples), violations);
    }

    private void claim(Read r, Row row) {
      if (row.seq() == History.SOMEONE_ELSES) {
        // Whatever its freshness says, the copy mixed two people up.
        malformed++;
        example(
            fmt(
                "%s at t=%.3f s: person %s shown with a name given to another person",
                r.instance(), r.sentMs() / 1000, row.user()));
        return;
      }
      if (row.asOfMicros() == null) {
        if (!row.stale()) {
          // Claims to be fresh without saying as of when: nothing a client could check.
          malformed++;
          example(
              fmt(
                  "%s at t=%.3f s: person %s served fresh from %s without asOf",
                  r.instance(), r.sentMs() / 1000, row.user(), row.source()));
        }
        return;
      }
      long newest = -1;
      Write missed = null;
      for (Write w : acked.getOrDefault(row.user(), List.of())) {
        if (w.ackMicros() + TOLERANCE_MICROS >= row.asOfMicros()) {
          break;
        }
        if (w.seq() > newest) {
          newest = w.seq();
          missed = w;
        }
      }
      if (missed != null && row.seq() < newest) {
        claimViolations++;
        example(
            fmt(
                "%s at t=%.3f s: person %s shown at #%d from %s, asOf %d µs, but #%d was"
                    + " acknowledged at %d µs (%.1f ms before asOf)",
                r.instance(),
                r.sentMs() / 1000,
                row.user(),
                row.seq(),
                row.source(),
                row.asOfMicros(),
                missed.seq(),
                missed.ackMicros(),
                (row.asOfMicros() - missed.ackMicros()) / 1000.0));
      }
    }

    private void budget(Read r, Row row) {
      long budgetMs = r.budgetMs() == null ? h.settings.defaultBudgetMs() : r.budgetMs();
      if (row.stale() || row.asOfMicros() == null) {
        return;
      }
      long oldestAllowed = r.sentMicros() - budgetMs * 1000 - TOLERANCE_MICROS;
      if (row.asOfMicros() < oldestAllowed) {
        budgetViolations++;
        example(
            fmt(
                "%s at t=%.3f s: person %s served fresh from %s with asOf %.1f ms before the"
                    + " request, budget %d ms",
                r.instance(),
                r.sentMs() / 1000,
                row.user(),
                row.source(),
                (r.sentMicros() - row.asOfMicros()) / 1000.0,
                budgetMs));
      }
    }

    private void example(String s) {
      if (examples.size() < EXAMPLES) {
        examples.add(s);
      }
    }
  }

  /** Instances that answered final reads: the ones every change must reach. */
  static Set<String> finalInstances(History h) {
    return h.reads.stream()
        .filter(r -> r.fin() && r.status() == 200 && r.error() == null)
        .map(Read::instance)
        .collect(Collectors.toSet());
  }
}
