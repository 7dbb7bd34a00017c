package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;
import static dev.stockroom.loadtest.report.Fmt.ms;
import static dev.stockroom.loadtest.report.Fmt.us;
import static dev.stockroom.loadtest.report.Runs.throughput;

import dev.stockroom.loadtest.Results.ClosedLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report against the obvious implementation (the plain join) and against the bare server with
 * its own SQL: throughput in both plan modes, CPU per request, PostgreSQL's time per execution and
 * p99. A comparison whose rounds disagree by more than 10% is shown but not judged.
 */
final class PeerTargets extends TargetRows {
  PeerTargets(Report report) {
    super(report);
  }

  @Override
  void write() {
    ClosedLoop replica = r.closed("replica");
    ClosedLoop bare = r.closed("baseline-generic");
    throughputVs(replica, r.closed("plain-join"), "the plain join, default plan mode", 0.9);
    throughputVs(replica, r.closed("plain-join-generic"), "the plain join, generic plans", 0.9);
    throughputVs(replica, bare, "the bare baseline (same SQL and body, generic plans)", 0.95);
    cpuPerRequest(replica, bare);
    statementTime(replica, r.closed("plain-join-generic"));
    p99(replica, bare);
  }

  private void throughputVs(ClosedLoop replica, ClosedLoop other, String what, double at) {
    String target = "report (replica path) ≥ " + at + "× " + what + " (wrk, same run)";
    if (replica == null || other == null) {
      target(target, "not measured", null);
      return;
    }
    double ratio = throughput(replica) / throughput(other);
    judge(
        target,
        f0(throughput(replica)) + " vs " + f0(throughput(other)) + " req/s",
        ratio,
        ratio >= at,
        replica,
        other);
  }

  private void cpuPerRequest(ClosedLoop replica, ClosedLoop bare) {
    String target = "inventory's CPU per report request ≤ 1.3× the bare baseline's";
    if (replica == null || bare == null) {
      target(target, "not measured", null);
      return;
    }
    double a = Runs.cpuMs(replica, "inventory");
    double b = Runs.cpuMs(bare, "baseline-generic");
    judge(target, us(a) + " vs " + us(b), a / b, a / b <= 1.3, replica, bare);
  }

  private void statementTime(ClosedLoop replica, ClosedLoop plain) {
    String target =
        "PostgreSQL execution time of the report's statement ≤ 1.2× the plain join's"
            + " (pg_stat_statements, generic plans both)";
    if (replica == null
        || plain == null
        || replica.statementMillis() == null
        || plain.statementMillis() == null) {
      target(target, "not measured", null);
      return;
    }
    double ratio = replica.statementMillis() / plain.statementMillis();
    judge(
        target,
        us(replica.statementMillis()) + " vs " + us(plain.statementMillis()) + " per execution",
        ratio,
        ratio <= 1.2,
        replica,
        plain);
  }

  private void p99(ClosedLoop replica, ClosedLoop bare) {
    String target = "report p99 ≤ 1.1× the bare baseline's at the same concurrency";
    if (replica == null || bare == null) {
      target(target, "not measured", null);
      return;
    }
    double a = replica.result().stats().p99();
    double b = bare.result().stats().p99();
    judge(target, ms(a) + " vs " + ms(b), a / b, a / b <= 1.1, replica, bare);
  }

  /**
   * A ratio row, not judged when the comparison's rounds disagree: the two endpoints' throughput
   * ratio in each round, more than 10% apart from one round to another.
   */
  private void judge(
      String target, String measured, double ratio, boolean met, ClosedLoop a, ClosedLoop b) {
    List<Double> perRound = new ArrayList<>();
    for (int i = 0; i < Math.min(a.rounds().size(), b.rounds().size()); i++) {
      perRound.add(a.rounds().get(i) / b.rounds().get(i));
    }
    double max = perRound.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    double min = perRound.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double mean = perRound.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    boolean steady = mean > 0 && (max - min) / mean <= ClosedLoop.MAX_SPREAD;
    String spread =
        "throughput ratio per round "
            + String.join(
                " / ", perRound.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList());
    target(
        target,
        measured
            + " = **"
            + String.format(Locale.ROOT, "%.2f×", ratio)
            + "** ("
            + spread
            + (steady ? ")" : "; **unsteady, not judged**)"),
        steady ? met : null);
  }
}
