package dev.stockroom.loadtest.chaos;

import static dev.stockroom.loadtest.chaos.Checker.fmt;

import dev.stockroom.loadtest.chaos.Checker.Property;
import dev.stockroom.loadtest.chaos.History.Read;
import dev.stockroom.loadtest.chaos.History.Row;
import dev.stockroom.loadtest.chaos.History.Write;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Property 2: every acknowledged rename becomes visible in the answers of every instance of
 * inventory that is still there at the end, and stays visible: its visibility at an instance is the
 * answer time of the first read after which every read there shows the rename or a later one. The
 * bound counts from the acknowledgement, or from the end of the faults for a change made during
 * them.
 */
final class Visibility {
  /** What one instance showed of one person, read by read, in the order the reads were sent. */
  private record Seen(double sentMs, double answeredMs, long seq) {}

  /** The sequence of a person an answer left out: below every rename's. */
  private static final long ABSENT = -2;

  private Visibility() {}

  static Property check(History h) {
    List<String> instances = new ArrayList<>(Checker.finalInstances(h));
    instances.sort(null);
    Map<String, Map<String, List<Seen>>> seen = seen(h);
    List<Double> latencies = new ArrayList<>();
    List<Double> calm = new ArrayList<>(); // changes acknowledged outside every fault window
    List<String> examples = new ArrayList<>();
    long neverSeen = 0;
    long overBound = 0;
    long acked = 0;
    for (List<Write> writes : Checker.acknowledged(h).values()) {
      for (Write w : writes) {
        acked++;
        for (String instance : instances) {
          List<Seen> shown =
              seen.getOrDefault(instance, Map.of()).getOrDefault(w.user(), List.of());
          Double visibleAt = stablyVisible(shown, w);
          if (visibleAt == null) {
            neverSeen++;
            if (examples.size() < 10) {
              examples.add(
                  fmt(
                      "%s never settled on #%d of %s (acknowledged at t=%.3f s)",
                      instance, w.seq(), w.user(), w.answeredMs() / 1000));
            }
            continue;
          }
          // An instance that joined later cannot show a change before it answers at all.
          double from = Math.max(w.answeredMs(), firstAnswer(shown));
          double latency = visibleAt - from;
          latencies.add(latency);
          if (Availability.window(h, w.answeredMs()).equals("no fault")) {
            calm.add(latency);
          }
          double allowed =
              Math.max(0, h.settings.faultsEndMs() - from) + h.settings.visibilityBoundMs();
          if (latency > allowed) {
            overBound++;
            if (examples.size() < 10) {
              examples.add(
                  fmt(
                      "%s showed #%d of %s %.0f ms after its acknowledgement at t=%.3f s (allowed"
                          + " %.0f ms)",
                      instance, w.seq(), w.user(), latency, w.answeredMs() / 1000, allowed));
            }
          }
        }
      }
    }
    latencies.sort(null);
    calm.sort(null);
    Map<String, String> n = new LinkedHashMap<>();
    n.put("acknowledged changes", String.valueOf(acked));
    n.put("instances at the end", String.join(", ", instances));
    n.put("change × instance pairs", String.valueOf((long) acked * instances.size()));
    n.put("visible p50 (ms)", fmt("%.0f", percentile(latencies, 0.50)));
    n.put("visible p99 (ms)", fmt("%.0f", percentile(latencies, 0.99)));
    n.put("visible max (ms)", fmt("%.0f", percentile(latencies, 1.0)));
    n.put("of changes made outside a fault: pairs", String.valueOf(calm.size()));
    n.put("of changes made outside a fault: visible p50 (ms)", fmt("%.0f", percentile(calm, 0.50)));
    n.put("of changes made outside a fault: visible p99 (ms)", fmt("%.0f", percentile(calm, 0.99)));
    n.put("never seen", String.valueOf(neverSeen));
    n.put("later than the bound", String.valueOf(overBound));
    // An instance that answers its final reads with nothing readable would otherwise be left out
    // of the instances every change must reach.
    long asked =
        Math.max(
            h.settings.instances(),
            h.reads.stream().filter(Read::fin).map(Read::instance).distinct().count());
    long silent = Math.max(0, asked - instances.size());
    n.put("instances without a final answer", String.valueOf(silent));
    long violations = neverSeen + overBound + silent + (instances.isEmpty() ? 1 : 0);
    if (silent > 0) {
      examples.add(
          fmt(
              "%d of %d inventory instances answered no final read (answered: %s)",
              silent, asked, String.join(", ", instances)));
    }
    if (instances.isEmpty()) {
      examples.add("no instance answered a final read");
    }
    return new Property(
        "Every acknowledged change becomes visible", violations == 0, n, examples, violations);
  }

  /**
   * instance → person → what its successful reads showed, by send time. The page holds every
   * renamed person: one an answer leaves out is seen at no change at all (a regression, and the
   * instance's first answer, not the person's first appearance, starts the clock).
   */
  private static Map<String, Map<String, List<Seen>>> seen(History h) {
    Map<String, Map<String, List<Seen>>> seen = new HashMap<>();
    List<Read> reads = new ArrayList<>(h.reads);
    reads.sort(Comparator.comparingDouble(Read::sentMs));
    Set<String> renamed = h.writes.stream().map(Write::user).collect(Collectors.toSet());
    for (Read r : reads) {
      if (r.status() != 200 || r.error() != null) {
        continue;
      }
      Map<String, List<Seen>> byUser = seen.computeIfAbsent(r.instance(), k -> new HashMap<>());
      Set<String> absent = new HashSet<>(renamed);
      for (Row row : r.rows()) {
        absent.remove(row.user());
        byUser
            .computeIfAbsent(row.user(), k -> new ArrayList<>())
            .add(new Seen(r.sentMs(), r.answeredMs(), row.seq()));
      }
      for (String user : absent) {
        byUser
            .computeIfAbsent(user, k -> new ArrayList<>())
            .add(new Seen(r.sentMs(), r.answeredMs(), ABSENT));
      }
    }
    return seen;
  }

  /** The answer time after which every read sent after the ack shows {@code w} or later. */
  private static Double stablyVisible(List<Seen> shown, Write w) {
    Double since = null;
    for (Seen s : shown) {
      if (s.sentMs() < w.answeredMs()) {
        continue;
      }
      if (s.seq() < w.seq()) {
        since = null;
      } else if (since == null) {
        since = s.answeredMs();
      }
    }
    return since;
  }

  private static double firstAnswer(List<Seen> shown) {
    return shown.isEmpty() ? 0 : shown.get(0).answeredMs();
  }

  static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
