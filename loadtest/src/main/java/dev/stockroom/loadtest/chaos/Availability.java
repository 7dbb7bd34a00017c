package dev.stockroom.loadtest.chaos;

import static dev.stockroom.loadtest.chaos.Checker.fmt;

import dev.stockroom.loadtest.chaos.Checker.Property;
import dev.stockroom.loadtest.chaos.History.Fault;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Property 4: errors per endpoint per fault window (5xx, and no answer: timeout or refused), with
 * two rules: the report never answers 5xx while inventory and its database are up, i.e. outside a
 * PostgreSQL restart (an instance that answers is up); and no endpoint ever answers 500, which says
 * "a bug" where a fault deserves 503 and Retry-After.
 */
final class Availability {
  /** Requests, 5xx and unanswered of one endpoint in one window. */
  record Cell(String window, String endpoint, long requests, long serverErrors, long unanswered) {}

  private Availability() {}

  static String window(History h, double sentMs) {
    for (int i = 0; i < h.faults.size(); i++) {
      Fault f = h.faults.get(i);
      if (sentMs >= f.startMs() && sentMs <= f.endMs()) {
        return (i + 1) + ". " + f.kind();
      }
    }
    return "no fault";
  }

  static List<Cell> cells(History h) {
    Map<String, long[]> counts = new LinkedHashMap<>();
    counts.put("no fault", null);
    for (int i = 0; i < h.faults.size(); i++) {
      counts.put((i + 1) + ". " + h.faults.get(i).kind(), null);
    }
    counts.replaceAll((k, v) -> new long[9]);
    h.writes.forEach(w -> count(counts, window(h, w.sentMs()), 0, w.status()));
    h.reads.forEach(r -> count(counts, window(h, r.sentMs()), 1, r.status()));
    h.orderAttempts.forEach(a -> count(counts, window(h, a.sentMs()), 2, a.status()));
    String[] endpoints = {"PATCH /users/{id}", "GET /items/low-stock", "POST /orders"};
    List<Cell> cells = new ArrayList<>();
    counts.forEach(
        (window, c) -> {
          for (int e = 0; e < 3; e++) {
            cells.add(new Cell(window, endpoints[e], c[3 * e], c[3 * e + 1], c[3 * e + 2]));
          }
        });
    return cells;
  }

  private static void count(Map<String, long[]> counts, String window, int endpoint, int status) {
    long[] c = counts.get(window);
    c[3 * endpoint]++;
    if (status >= 500) {
      c[3 * endpoint + 1]++;
    } else if (status == 0) {
      c[3 * endpoint + 2]++;
    }
  }

  static Property check(History h) {
    List<String> examples = new ArrayList<>();
    long violations = 0;
    long reportViolations = 0;
    long serverErrors = 0;
    for (History.Read r : h.reads) {
      if (r.status() < 500) {
        continue;
      }
      serverErrors++;
      String window = window(h, r.sentMs());
      if (!window.endsWith("postgres-restart")) {
        violations++;
        reportViolations++;
        if (examples.size() < 10) {
          examples.add(
              fmt(
                  "%s answered %d at t=%.3f s (%s): %s",
                  r.instance(), r.status(), r.sentMs() / 1000, window, r.error()));
        }
      }
    }
    long internalErrors = 0;
    List<String[]> all = new ArrayList<>();
    h.writes.forEach(
        w ->
            all.add(
                new String[] {
                  "PATCH /users/{id}", w.instance(), "" + w.status(), "" + w.sentMs(), w.error()
                }));
    h.reads.forEach(
        r ->
            all.add(
                new String[] {
                  "GET /items/low-stock", r.instance(), "" + r.status(), "" + r.sentMs(), r.error()
                }));
    h.orderAttempts.forEach(
        a ->
            all.add(
                new String[] {
                  "POST /orders", a.instance(), "" + a.status(), "" + a.sentMs(), a.error()
                }));
    for (String[] request : all) {
      if (!request[2].equals("500")) {
        continue;
      }
      internalErrors++;
      double sent = Double.parseDouble(request[3]);
      if (request[0].startsWith("GET") && !window(h, sent).endsWith("postgres-restart")) {
        continue; // already a violation of the first rule
      }
      violations++;
      if (examples.size() < 10) {
        examples.add(
            fmt(
                "%s at %s answered 500 at t=%.3f s (%s): %s",
                request[0], request[1], sent / 1000, window(h, sent), request[4]));
      }
    }
    Map<String, String> n = new LinkedHashMap<>();
    long requests = h.writes.size() + h.reads.size() + h.orderAttempts.size();
    n.put("requests", String.valueOf(requests));
    n.put("report reads", String.valueOf(h.reads.size()));
    n.put("report 5xx (all windows)", String.valueOf(serverErrors));
    n.put("report 5xx with inventory and PostgreSQL up", String.valueOf(reportViolations));
    n.put("500 answers, any endpoint", String.valueOf(internalErrors));
    return new Property(
        "The report answers while inventory and its database are up; no 500 anywhere",
        violations == 0,
        n,
        examples,
        violations);
  }
}
