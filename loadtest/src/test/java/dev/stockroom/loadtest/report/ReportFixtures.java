package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.MeasurementFixtures.closed;
import static dev.stockroom.loadtest.report.MeasurementFixtures.cpu;
import static dev.stockroom.loadtest.report.MeasurementFixtures.memory;
import static dev.stockroom.loadtest.report.MeasurementFixtures.open;
import static dev.stockroom.loadtest.report.MeasurementFixtures.openCpu;
import static dev.stockroom.loadtest.report.MeasurementFixtures.orders;
import static dev.stockroom.loadtest.report.MeasurementFixtures.phases;
import static dev.stockroom.loadtest.report.MeasurementFixtures.read;
import static dev.stockroom.loadtest.report.MeasurementFixtures.rounds;
import static dev.stockroom.loadtest.report.MeasurementFixtures.run;
import static dev.stockroom.loadtest.report.MeasurementFixtures.stats;

import dev.stockroom.loadtest.BenchOptions;
import dev.stockroom.loadtest.LagProbe;
import dev.stockroom.loadtest.Machine;
import dev.stockroom.loadtest.ReadYourWritesProbe;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.SeedPlan;
import dev.stockroom.loadtest.Seeder;
import dev.stockroom.loadtest.system.StatementStats;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Results filled the way a full benchmark run fills them, for the report tests. */
final class ReportFixtures {
  private ReportFixtures() {}

  static Machine machine() {
    return new Machine(
        "Test CPU",
        2,
        2,
        24_000_000,
        "6.1",
        "Debian",
        "Java 17",
        "16.10",
        "fsync on, synchronous_commit on",
        "4.4.0",
        "3.14.9",
        "wrk 4.1.0");
  }

  /** Every field the runner fills, every section of the report present. */
  static Results full(BenchOptions opts, Path root) {
    Results r = empty(opts);
    r.mode = "full";
    r.totalSeconds = 905;
    r.machine = machine();
    SeedPlan plan = opts.seedPlan();
    r.seed =
        new Seeder.Seeded(
            plan,
            List.of("c1"),
            List.of("s1"),
            List.of("p1"),
            List.of(
                new Seeder.Step("people", 9800, 12.5),
                new Seeder.Step("items", 32000, 40.25),
                new Seeder.Step("restocks", 30000, 55.0)));
    r.closedLoop.add(
        rounds("plain-join", "plain join", 8, cpu(1.0, "plain-join", 0.5), 0.3, 5000, 6400));
    r.closedLoop.add(
        rounds(
            "plain-join-generic",
            "plain join, generic",
            8,
            cpu(1.0, "plain-join-generic", 0.5),
            0.4,
            6400,
            6400));
    r.closedLoop.add(closed("baseline", "bare baseline", 6400, 10, cpu(1.1, "baseline", 0.6)));
    r.closedLoop.add(
        closed(
            "baseline-generic",
            "bare baseline, generic",
            9100,
            6,
            cpu(0.7, "baseline-generic", 0.9)));
    r.closedLoop.add(
        rounds("replica", "report, replica", 12, cpu(1.05, "inventory", 0.75), 0.5, 5000, 5400));
    r.closedLoop.add(closed("owner", "report, PT0S", 1500, 140, cpu(1.3, "users", 0.4)));
    r.explain.put("custom plan", List.of("Limit  (cost=0.29..12.1)", "Planning Time: 0.9 ms"));
    r.explain.put("generic plan", List.of("Limit  (cost=0.29..9.9)"));
    Map<String, Double> openCpu = openCpu();
    r.open.put(
        "compare-replica",
        open("compare-replica", "report, replica", 1800, read("report", 1800, 3), openCpu, root));
    r.open.put(
        "compare-owner",
        open("compare-owner", "report, PT0S", 1800, read("report", 1800, 17), openCpu, root));
    r.open.put(
        "report-target",
        new Results.OpenRun(
            "report-target",
            "report at the target rate",
            5000,
            run(
                "target",
                read("report", 3000, 9),
                false,
                List.of("p99 < 15: false", "errors == 0: true"),
                root.resolve("loadtest/target/bench/gatling/target-1")),
            openCpu,
            List.of(),
            0));
    r.open.put(
        "contention",
        open("contention", "orders, contention", 600, read("order", 1200, 25), openCpu, root));
    r.open.put(
        "sellout", open("sellout", "orders, sell-out", 100, read("order", 400, 8), null, root));
    r.open.put(
        "read-users-killed",
        new Results.OpenRun(
            "read-users-killed",
            "report, users killed",
            900,
            run("killed", phases("report"), true, List.of("ok: true"), null),
            openCpu,
            List.of("t=10.0 s: users killed", "t=20.1 s: users started"),
            0));
    r.open.put(
        "mixed-kafka",
        new Results.OpenRun(
            "mixed-kafka",
            "mixed, Kafka stopped",
            300,
            run("mixed", phases("report", "restock", "order"), true, List.of(), root),
            openCpu,
            List.of("t=30 s: Kafka stopped"),
            0));
    r.lag =
        new LagProbe.Result(
            stats("lag", 29000, 0, 60, 4.2),
            stats("write", 29000, 0, 60, 1.3),
            30000,
            3,
            2,
            500,
            483.3,
            7000,
            8.57);
    r.lagCpu = Map.of("whole machine", 1.62);
    r.readYourWrites =
        new ReadYourWritesProbe.Result(
            1200,
            1150,
            50,
            0,
            0,
            0,
            0,
            stats("with the token", 1200, 0, 30, 9.5),
            stats("without a token", 1200, 0, 30, 6.1),
            stats("maxStaleness=PT0S", 1200, 0, 30, 12.4));
    r.orders = orders(false, false, 12, 640.5);
    r.sellout = orders(true, false, 0, 95.25);
    r.orderStatements =
        new Results.DatabaseWork(
            1000,
            950,
            40,
            List.of(
                new StatementStats.Statement(
                    "orders",
                    "UPDATE orders SET step = $4\n  WHERE id = $1 AND a || b",
                    4000,
                    1200,
                    4000),
                new StatementStats.Statement("inventory", "COMMIT", 2000, 600, 0),
                new StatementStats.Statement("users", "SELECT 1", 500, 200, 500)));
    r.memory.add(
        memory(
            "users", List.of(), false, Map.of("seeding", 300_000L, "order contention", 350_000L)));
    r.memory.add(
        memory(
            "inventory",
            List.of("open model: report at the target rate"),
            true,
            Map.of(
                "seeding", 310_000L,
                "mixed load, Kafka stopped", 420_000L,
                "open model: report at the target rate", 512_000L)));
    r.layers.add(
        closed("inventory", "inventory, every layer", 5000, 12, cpu(0.8, "inventory", 1.05)));
    r.layers.add(
        closed("inventory-copy", "a second inventory", 5000, 12, cpu(0.8, "inventory-copy", 1.0)));
    r.layers.add(
        closed(
            "inventory-without-auth",
            "inventory without auth",
            5000,
            11,
            cpu(0.8, "inventory-without-auth", 0.95)));
    r.layers.add(
        closed("baseline-generic", "bare baseline", 6000, 9, cpu(0.8, "baseline-generic", 0.9)));
    r.scalingReport.add(
        closed("one", "report, one inventory", 5000, 12, cpu(0.8, "inventory", 1.0)));
    Map<String, Double> two = cpu(0.85, "inventory", 0.5);
    two.put("inventory-2", 0.5);
    r.scalingReport.add(closed("two", "report, two inventories", 4800, 20, two));
    for (int n = 1; n <= 2; n++) {
      String key = "scaling-" + n;
      r.open.put(key, open(key, "orders on " + n, 900, read("order", 900, 30), openCpu, root));
      r.scalingOrders.put(key, orders(false, false, 800, 500 - 10 * n));
    }
    r.failures.put("lag", "timed out");
    r.notes.add("wrk was patched to count stale responses");
    return r;
  }

  /** Only what the runner knows before it measures anything. */
  static Results empty(BenchOptions opts) {
    Results r = new Results();
    r.mode = "quick";
    r.command = opts.command();
    r.startedAt = "2026-11-25T12:00:00Z";
    r.totalSeconds = 10;
    r.options = opts.values();
    return r;
  }
}
