package dev.stockroom.loadtest;

import dev.stockroom.loadtest.system.StatementStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one benchmark run measured, filled in by the runner and read by the report. */
public final class Results {
  /** A closed-loop (wrk) measurement of one endpoint. */
  public record ClosedLoop(
      String label, String what, int connections, Wrk.Result result, Map<String, Double> cpu) {}

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
