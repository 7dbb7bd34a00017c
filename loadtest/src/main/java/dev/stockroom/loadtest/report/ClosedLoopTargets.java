package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;
import static dev.stockroom.loadtest.report.Fmt.ms;
import static dev.stockroom.loadtest.report.Fmt.us;
import static dev.stockroom.loadtest.report.Runs.throughput;

import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.Results.Round;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The summary's rows for the report against the plain join and the bare server (wrk, same run):
 * throughput in both plan modes, CPU per request, PostgreSQL's time per execution and p99. A ratio
 * whose rounds disagree by more than 10% is shown but not judged, each by its own figure.
 */
final class ClosedLoopTargets {
  private ClosedLoopTargets() {}

  static Map<String, Object> rows(Results r) {
    ClosedLoop replica = r.closed("replica");
    ClosedLoop bare = r.closed("baseline-generic");
    ClosedLoop plain = r.closed("plain-join-generic");
    return Map.of(
        "plainDefault", throughputVs(replica, r.closed("plain-join"), 0.9),
        "plainGeneric", throughputVs(replica, plain, 0.9),
        "bare", throughputVs(replica, bare, 0.95),
        "cpu", cpuPerRequest(replica, bare),
        "statement", statementTime(replica, plain),
        "p99", p99(replica, bare));
  }

  private static Object throughputVs(ClosedLoop replica, ClosedLoop other, double at) {
    if (replica == null || other == null) {
      return false;
    }
    double ratio = throughput(replica) / throughput(other);
    return judged(
        f0(throughput(replica)),
        f0(throughput(other)),
        ratio,
        ratio >= at,
        perRound(replica, other, Round::throughput, Round::throughput));
  }

  private static Object cpuPerRequest(ClosedLoop replica, ClosedLoop bare) {
    if (replica == null || bare == null) {
      return false;
    }
    double a = Runs.cpuMs(replica, "inventory");
    double b = Runs.cpuMs(bare, "baseline-generic");
    return judged(
        us(a),
        us(b),
        a / b,
        a / b <= 1.3,
        perRound(replica, bare, cpuMs("inventory"), cpuMs("baseline-generic")));
  }

  private static Object statementTime(ClosedLoop replica, ClosedLoop plain) {
    if (replica == null
        || plain == null
        || replica.statementMillis() == null
        || plain.statementMillis() == null) {
      return false;
    }
    double ratio = replica.statementMillis() / plain.statementMillis();
    ToDoubleFunction<Round> statement =
        round -> round.statementMillis() == null ? Double.NaN : round.statementMillis();
    return judged(
        us(replica.statementMillis()),
        us(plain.statementMillis()),
        ratio,
        ratio <= 1.2,
        perRound(replica, plain, statement, statement));
  }

  private static Object p99(ClosedLoop replica, ClosedLoop bare) {
    if (replica == null || bare == null) {
      return false;
    }
    double a = meanP99(replica);
    double b = meanP99(bare);
    return judged(
        ms(a), ms(b), a / b, a / b <= 1.1, perRound(replica, bare, Round::p99, Round::p99));
  }

  /**
   * The mean of the rounds' p99s, as throughput is the mean of the rounds': one round of each
   * ("closest to the mean", a tie with two rounds) compared the report's slower round with the bare
   * server's faster one. Results recorded before rounds kept their own p99 have only the one.
   */
  private static double meanP99(ClosedLoop loop) {
    return loop.perRound().stream()
        .mapToDouble(Round::p99)
        .average()
        .orElse(loop.result().stats().p99());
  }

  /** CPU milliseconds a process group spent per request in one round. */
  private static ToDoubleFunction<Round> cpuMs(String group) {
    return round -> 1000.0 * round.cpu().getOrDefault(group, Double.NaN) / round.throughput();
  }

  /**
   * The compared figure's ratio in each round (x's over y's), or, for results recorded before
   * rounds kept their own figures, the throughput ratio.
   */
  private record Ratios(List<Double> values, boolean byThroughput) {}

  private static Ratios perRound(
      ClosedLoop x, ClosedLoop y, ToDoubleFunction<Round> fx, ToDoubleFunction<Round> fy) {
    if (x.perRound().isEmpty() || y.perRound().isEmpty()) {
      return new Ratios(
          IntStream.range(0, Math.min(x.rounds().size(), y.rounds().size()))
              .mapToObj(i -> x.rounds().get(i) / y.rounds().get(i))
              .toList(),
          true);
    }
    return new Ratios(
        IntStream.range(0, Math.min(x.perRound().size(), y.perRound().size()))
            .mapToObj(
                i -> fx.applyAsDouble(x.perRound().get(i)) / fy.applyAsDouble(y.perRound().get(i)))
            .toList(),
        false);
  }

  /**
   * A ratio of two closed loops, judged only when the compared figure's ratio agrees within 10%
   * from round to round: a throughput ratio may hold while the CPU per request moves, or the other
   * way round.
   */
  private static Map<String, Object> judged(
      String a, String b, double ratio, boolean met, Ratios rounds) {
    List<Double> perRound = rounds.values();
    double mean = perRound.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    boolean steady = mean > 0 && ClosedLoop.spread(perRound) <= ClosedLoop.MAX_SPREAD;
    return Map.of(
        "a",
        a,
        "b",
        b,
        "ratio",
        String.format(Locale.ROOT, "%.2f", ratio),
        "rounds",
        perRound.stream()
            .map(v -> String.format(Locale.ROOT, "%.2f", v))
            .collect(Collectors.joining(" / ")),
        "byThroughput",
        rounds.byThroughput(),
        "unsteady",
        !steady,
        "met",
        steady ? Fmt.verdict(met) : "–");
  }
}
