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
 * four rules: the report never answers 5xx while inventory and its database are up, i.e. outside a
 * PostgreSQL restart (an instance that answers is up), nor goes unanswered or refused (4xx) while
 * no fault is on; no request to an instance being restarted in an orderly way (SIGTERM), of any
 * endpoint, goes unanswered or answered 5xx: draining is there so that clients do not notice; no
 * order is refused with a 4xx (the harness's orders are well-formed and a key is retried only with
 * its own body); and no endpoint ever answers 500, which says "a bug" where a fault deserves 503
 * and Retry-After.
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

  /** One answer (or none) a client got, whatever the endpoint. */
  record Answer(
      String endpoint,
      String instance,
      int status,
      double sentMs,
      double answeredMs,
      String error) {}

  static final List<String> ENDPOINTS =
      List.of("PATCH /users/{id}", "GET /items/low-stock", "POST /orders");

  static List<Answer> answers(History h) {
    List<Answer> all = new ArrayList<>();
    h.writes.forEach(
        w ->
            all.add(
                new Answer(
                    ENDPOINTS.get(0),
                    w.instance(),
                    w.status(),
                    w.sentMs(),
                    w.answeredMs(),
                    w.error())));
    h.reads.forEach(
        r ->
            all.add(
                new Answer(
                    ENDPOINTS.get(1),
                    r.instance(),
                    r.status(),
                    r.sentMs(),
                    r.answeredMs(),
                    r.error())));
    h.orderAttempts.forEach(
        a ->
            all.add(
                new Answer(
                    ENDPOINTS.get(2),
                    a.instance(),
                    a.status(),
                    a.sentMs(),
                    a.answeredMs(),
                    a.error())));
    return all;
  }

  static List<Cell> cells(History h) {
    Map<String, long[]> counts = new LinkedHashMap<>();
    counts.put("no fault", new long[9]);
    for (int i = 0; i < h.faults.size(); i++) {
      counts.put((i + 1) + ". " + h.faults.get(i).kind(), new long[9]);
    }
    for (Answer a : answers(h)) {
      long[] c = counts.get(window(h, a.sentMs()));
      int e = 3 * ENDPOINTS.indexOf(a.endpoint());
      c[e]++;
      if (a.status() >= 500) {
        c[e + 1]++;
      } else if (a.status() == 0) {
        c[e + 2]++;
      }
    }
    List<Cell> cells = new ArrayList<>();
    counts.forEach(
        (window, c) -> {
          for (int e = 0; e < 3; e++) {
            cells.add(new Cell(window, ENDPOINTS.get(e), c[3 * e], c[3 * e + 1], c[3 * e + 2]));
          }
        });
    return cells;
  }

  /** No answer, or a 4xx to a request the harness made well-formed: neither is a fault's doing. */
  private static boolean unansweredOrRefused(Answer a) {
    return a.status() == 0 || a.status() >= 400 && a.status() < 500;
  }

  /** Whether any fault was on while the request was out (sent to answered or given up on). */
  private static boolean duringAFault(History h, Answer a) {
    return h.faults.stream()
        .anyMatch(f -> a.sentMs() <= f.endMs() && a.answeredMs() >= f.startMs());
  }

  /**
   * Whether the request went to an instance being restarted in an orderly way, while that restart
   * was on and no other fault was: what it got is the drain's doing. (Other instances carry the
   * load meanwhile, one of them perhaps just started; their answers are the other rules' matter.)
   */
  private static boolean toARestartedInstance(History h, Answer a) {
    List<Fault> on =
        h.faults.stream()
            .filter(f -> a.sentMs() <= f.endMs() && a.answeredMs() >= f.startMs())
            .toList();
    return !on.isEmpty()
        && on.stream()
            .allMatch(f -> f.kind().startsWith("restart-") && restarted(f).equals(a.instance()));
  }

  /** The instance an orderly restart stopped: its {@code what} begins with the name. */
  static String restarted(Fault f) {
    return f.what().split(" ", 2)[0];
  }

  static Property check(History h) {
    List<String> examples = new ArrayList<>();
    long reportViolations = 0;
    long reportServerErrors = 0;
    long restartViolations = 0;
    long refusedOrders = 0;
    long internalErrors = 0;
    long violations = 0; // answers that break any rule (a report 500 outside a restart: once)
    List<Answer> answers = answers(h);
    for (Answer a : answers) {
      String window = window(h, a.sentMs());
      boolean report = a.endpoint().equals(ENDPOINTS.get(1));
      boolean reportRule =
          report
              && (a.status() >= 500 && !window.endsWith("postgres-restart")
                  || unansweredOrRefused(a) && !duringAFault(h, a));
      boolean restartRule = (a.status() == 0 || a.status() >= 500) && toARestartedInstance(h, a);
      boolean refusedOrder =
          a.endpoint().equals(ENDPOINTS.get(2)) && a.status() >= 400 && a.status() < 500;
      boolean internal = a.status() == 500;
      reportServerErrors += report && a.status() >= 500 ? 1 : 0;
      reportViolations += reportRule ? 1 : 0;
      restartViolations += restartRule ? 1 : 0;
      refusedOrders += refusedOrder ? 1 : 0;
      internalErrors += internal ? 1 : 0;
      boolean broken = reportRule || restartRule || refusedOrder || internal;
      violations += broken ? 1 : 0;
      if (broken && examples.size() < 10) {
        examples.add(
            fmt(
                "%s at %s answered %d at t=%.3f s (%s): %s",
                a.endpoint(), a.instance(), a.status(), a.sentMs() / 1000, window, a.error()));
      }
    }
    Map<String, String> n = new LinkedHashMap<>();
    n.put("requests", String.valueOf(answers.size()));
    n.put("report reads", String.valueOf(h.reads.size()));
    n.put("report 5xx (all windows)", String.valueOf(reportServerErrors));
    n.put(
        "report 5xx with inventory and PostgreSQL up, or unanswered or 4xx with no fault on",
        String.valueOf(reportViolations));
    n.put(
        "unanswered or 5xx from an instance in an orderly restart, any endpoint",
        String.valueOf(restartViolations));
    n.put("orders refused with a 4xx", String.valueOf(refusedOrders));
    n.put("500 answers, any endpoint", String.valueOf(internalErrors));
    return new Property(
        "The report answers while inventory and its database are up, everything through an"
            + " orderly restart; no 500 anywhere, no order refused",
        violations == 0,
        n,
        examples,
        violations);
  }
}
