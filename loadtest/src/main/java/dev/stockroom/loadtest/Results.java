package dev.stockroom.loadtest;

import dev.stockroom.loadtest.system.StatementStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one benchmark run measured, filled in by the runner and read by the report. */
public final class Results {
  /**
   * A closed-loop (wrk) measurement of one endpoint over interleaved rounds: {@code result} is the
   * round closest to the mean (for latencies), {@code cpu} the mean of the rounds' CPU, {@code
   * rounds} each round's throughput in the order they ran; {@code statementMillis} PostgreSQL's
   * mean execution time of the endpoint's query (pg_stat_statements), null where not measured;
   * {@code perRound} every round's own figures (empty in results files from before 2026-12-05).
   */
  public record ClosedLoop(
      String label,
      String what,
      int connections,
      Wrk.Result result,
      Map<String, Double> cpu,
      List<Double> rounds,
      Double statementMillis,
      List<Round> perRound) {
    /** Rounds further apart than this (max − min over the mean) make a comparison unreliable. */
    public static final double MAX_SPREAD = 0.10;

    public ClosedLoop {
      perRound = perRound == null ? List.of() : perRound;
    }

    public ClosedLoop(
        String label, String what, int connections, Wrk.Result result, Map<String, Double> cpu) {
      this(label, what, connections, result, cpu, List.of(result.stats().throughput()), null, null);
    }

    /** Mean throughput over the rounds. */
    public double throughput() {
      return rounds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** (max − min) / mean of the rounds' throughput; 0 for one round. */
    public double spread() {
      return spread(rounds);
    }

    /** (max − min) / mean of one figure over rounds; 0 when the mean is 0. */
    public static double spread(List<Double> values) {
      double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
      double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      return mean == 0 ? 0 : (max - min) / mean;
    }

    public boolean steady() {
      return spread() <= MAX_SPREAD;
    }
  }

  /**
   * One closed-loop round of one endpoint: requests/s, p99 in ms, CPU in cores by process group,
   * and the page query's mean execution time in ms (null where not measured).
   */
  public record Round(
      double throughput, double p99, Map<String, Double> cpu, Double statementMillis) {}

  /** An open-model (Gatling) run with the rate it was asked for. */
  public record OpenRun(
      String key,
      String label,
      double rate,
      GatlingRunner.Run run,
      Map<String, Double> cpu,
      List<String> events,
      long loadStartMillis) {}

  /** Outcome of the contention run, counted in the databases afterwards. */
  public record Orders(
      Map<String, Long> byStatus,
      Map<String, Long> rejections,
      long hotStockBefore,
      long soldByInventory,
      long confirmedQuantity,
      long confirmedReservations,
      boolean negativeStock,
      double confirmedPerSecond,
      double confirmedPerSecondInStock,
      double inStockSeconds,
      long stillPending,
      List<String> perSku,
      boolean soldOut,
      long poolBusyErrors) {
    public boolean oversold() {
      return negativeStock
          || soldByInventory > hotStockBefore
          || soldByInventory != confirmedQuantity;
    }
  }

  /**
   * PostgreSQL's statements (all three databases) while an order run's load was on, and the orders
   * placed and confirmed in that time.
   */
  public record DatabaseWork(
      long ordersPlaced,
      long ordersConfirmed,
      double seconds,
      List<StatementStats.Statement> statements) {
    public double execMillis() {
      return statements.stream().mapToDouble(StatementStats.Statement::execMillis).sum();
    }

    public long calls() {
      return statements.stream().mapToLong(StatementStats.Statement::calls).sum();
    }
  }

  /** One service JVM's memory. */
  public record Memory(
      String service,
      String xmx,
      Map<String, Long> peakRssKbByScenario,
      long peakRssKb,
      long finalRssKb,
      boolean outOfMemory,
      Integer unexpectedExit,
      List<String> crashedDuring) {}

  public Machine machine;
  public String mode;
  public String command;
  public String startedAt;
  public double totalSeconds;
  public Seeder.Seeded seed;
  public final List<ClosedLoop> closedLoop = new ArrayList<>();
  public final List<ClosedLoop> layers = new ArrayList<>();
  public final List<ClosedLoop> scalingReport = new ArrayList<>();
  public final Map<String, Orders> scalingOrders = new LinkedHashMap<>();
  public final Map<String, List<String>> explain = new LinkedHashMap<>();
  public final Map<String, OpenRun> open = new LinkedHashMap<>();
  public LagProbe.Result lag;
  public ReadYourWritesProbe.Result readYourWrites;
  public Map<String, Double> lagCpu;
  public Orders orders;
  public Orders sellout;
  public DatabaseWork orderStatements;
  public final List<Memory> memory = new ArrayList<>();
  public final Map<String, String> failures = new LinkedHashMap<>();
  public final List<String> notes = new ArrayList<>();
  public Map<String, String> options;

  public ClosedLoop closed(String label) {
    return closedLoop.stream().filter(c -> c.label().equals(label)).findFirst().orElse(null);
  }
}
