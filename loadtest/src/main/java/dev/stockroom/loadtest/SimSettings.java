package dev.stockroom.loadtest;

import dev.stockroom.common.auth.JwtConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The parameters of every simulation, as Java system properties ({@code -Dbench.rate=...}), so a
 * simulation runs the same from the runner and by hand with {@code ./mvnw -pl loadtest -Pbenchmark
 * gatling:test -Dgatling.simulationClass=... -Dbench.rate=...}.
 *
 * <table>
 *   <caption>properties</caption>
 *   <tr><td>bench.usersUrl, bench.inventoryUrl, bench.ordersUrl</td><td>base URLs (defaults: the
 *   launcher's ports 8081–8083)</td></tr>
 *   <tr><td>bench.jwtSecret</td><td>HS256 secret (default: the dev secret)</td></tr>
 *   <tr><td>bench.rate</td><td>arrivals per second (open model)</td></tr>
 *   <tr><td>bench.duration</td><td>seconds of load (ignored when bench.phases is set)</td></tr>
 *   <tr><td>bench.phases</td><td>named windows, e.g. before:20,during:20,after:20</td></tr>
 *   <tr><td>bench.dataDir</td><td>where the seeding step wrote ids and skus</td></tr>
 *   <tr><td>bench.maxStaleness</td><td>LowStockRead: the report's maxStaleness (blank: the
 *   default budget, i.e. the replica)</td></tr>
 *   <tr><td>bench.mix</td><td>Mixed: shares, e.g. report:60,restock:15,userUpdate:10,order:15</td></tr>
 *   <tr><td>bench.p99Ms, bench.maxErrorPct</td><td>assertions that fail the run</td></tr>
 *   <tr><td>bench.warmup</td><td>seconds of ramp-up before the measured load, not
 *   measured (default 0)</td></tr>
 *   <tr><td>bench.startFile</td><td>written with the start time when the load begins (the runner
 *   times its faults from it)</td></tr>
 * </table>
 */
public record SimSettings(
    String usersUrl,
    String inventoryUrl,
    String ordersUrl,
    String jwtSecret,
    double rate,
    double duration,
    String phases,
    String dataDir,
    String maxStaleness,
    Map<String, Double> mix,
    int p99Ms,
    double maxErrorPct,
    String startFile,
    double warmup) {

  public static SimSettings from(Properties p) {
    return new SimSettings(
        p.getProperty("bench.usersUrl", "http://localhost:8081"),
        p.getProperty("bench.inventoryUrl", "http://localhost:8082"),
        p.getProperty("bench.ordersUrl", "http://localhost:8083"),
        p.getProperty("bench.jwtSecret", JwtConfig.DEV_SECRET),
        Double.parseDouble(p.getProperty("bench.rate", "100")),
        Double.parseDouble(p.getProperty("bench.duration", "20")),
        p.getProperty("bench.phases", ""),
        p.getProperty("bench.dataDir", "target/bench-data"),
        p.getProperty("bench.maxStaleness", ""),
        parseMix(p.getProperty("bench.mix", "report:60,restock:15,userUpdate:10,order:15")),
        Integer.parseInt(p.getProperty("bench.p99Ms", "1000")),
        Double.parseDouble(p.getProperty("bench.maxErrorPct", "1")),
        p.getProperty("bench.startFile", ""),
        Double.parseDouble(p.getProperty("bench.warmup", "0")));
  }

  public static SimSettings fromSystemProperties() {
    return from(System.getProperties());
  }

  /** The phases to run: the given ones, or one window of {@code duration} seconds. */
  public Phases phasesOrDuration() {
    return phases.isBlank() ? Phases.parse("all:" + duration) : Phases.parse(phases);
  }

  /** Shares normalised to fractions that add up to 1, in the given order. */
  public static Map<String, Double> parseMix(String spec) {
    Map<String, Double> raw = new LinkedHashMap<>();
    double total = 0;
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split(":");
      if (kv.length != 2) {
        throw new IllegalArgumentException("mix entry '" + part + "' is not name:share");
      }
      double share = Double.parseDouble(kv[1]);
      if (share < 0) {
        throw new IllegalArgumentException("mix share of " + kv[0] + " is negative");
      }
      raw.put(kv[0].trim(), share);
      total += share;
    }
    if (total <= 0) {
      throw new IllegalArgumentException("mix shares add up to 0");
    }
    Map<String, Double> mix = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : raw.entrySet()) {
      mix.put(e.getKey(), e.getValue() / total);
    }
    return mix;
  }
}
