package dev.stockroom.loadtest;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.embedded.Directories;
import dev.stockroom.loadtest.report.ReportWriter;
import dev.stockroom.loadtest.scenarios.ClosedLoopComparison;
import dev.stockroom.loadtest.scenarios.FaultScenarios;
import dev.stockroom.loadtest.scenarios.LagScenario;
import dev.stockroom.loadtest.scenarios.LayerPrices;
import dev.stockroom.loadtest.scenarios.MemoryScenario;
import dev.stockroom.loadtest.scenarios.OpenModelRuns;
import dev.stockroom.loadtest.scenarios.OrderScenarios;
import dev.stockroom.loadtest.scenarios.ReportQueryPlans;
import dev.stockroom.loadtest.scenarios.Scaling;
import dev.stockroom.loadtest.system.Infra;
import dev.stockroom.loadtest.system.ServiceFleet;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The one command behind {@code loadtest/run-benchmarks.sh}: starts PostgreSQL and Kafka (embedded,
 * in this JVM), each service as its own JVM with a 256 MB heap, and the bare baseline; seeds; runs
 * every comparison and both fault scenarios; writes BENCHMARKS.md with a latency plot. A scenario
 * that fails is written down as failed and the others still run.
 */
public final class BenchmarkRunner {
  private final BenchOptions opts;
  private final Results results = new Results();
  private final Progress progress = new Progress();
  // What has been started so far, for stopping it whatever happens.
  private Infra infra;
  private ServiceFleet fleet;
  private Vertx vertx;
  private Api api;

  private BenchmarkRunner(BenchOptions opts) {
    this.opts = opts;
  }

  public static void main(String[] args) {
    Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    if (Arrays.stream(args).anyMatch(a -> a.startsWith("--render="))) {
      System.exit(render(root, args));
      return;
    }
    BenchOptions opts;
    try {
      opts = BenchOptions.parse(root, args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(new BenchmarkRunner(opts).run());
  }

  private int run() {
    results.mode = opts.mode();
    results.command = opts.command();
    results.startedAt = Instant.now().toString();
    results.options = opts.values();
    try {
      BenchContext ctx = startSystem();
      prepare(new Seeding(ctx));
      runScenarios(ctx);
    } catch (RuntimeException | IOException e) {
      results.failures.put("harness", Failures.rootMessage(e));
      e.printStackTrace();
    } finally {
      progress.label("stopping");
      stopAll();
      results.totalSeconds = progress.elapsedSeconds();
    }
    return report();
  }

  private BenchContext startSystem() throws IOException {
    Path work = opts.workDir();
    GatlingRunner gatling = new GatlingRunner(opts.root(), work);
    Directories.deleteRecursively(work);
    Files.createDirectories(work);
    progress.step("PostgreSQL and Kafka", () -> infra = Infra.start());
    Db usersDb = new Db(infra.pgUri("users"));
    Db inventoryDb = new Db(infra.pgUri("inventory"));
    Db ordersDb = new Db(infra.pgUri("orders"));
    fleet =
        ServiceFleet.create(
            opts.root(), work, opts.s("serviceXmx"), opts.s("baselinePools"), infra);
    Urls urls = new Urls(fleet.url("users"), fleet.url("inventory"), fleet.url("orders"), null);
    progress.step(
        "users (its own JVM, -Xmx" + opts.s("serviceXmx") + ")",
        () -> fleet.start(List.of("users"), Duration.ofSeconds(120)));
    progress.step(
        "inventory and orders",
        () -> fleet.start(List.of("inventory", "orders"), Duration.ofSeconds(120)));
    progress.step(
        "bare baselines", () -> fleet.start(ServiceFleet.BASELINES, Duration.ofSeconds(60)));
    fleet.startRssSampling(progress::label);
    vertx = Vertx.vertx();
    api = new Api(vertx, 64);
    results.machine =
        Machine.describe(
            ToolVersions.postgres(inventoryDb),
            ToolVersions.postgresCommits(inventoryDb),
            ToolVersions.gatling(opts.root()),
            ToolVersions.wrk());
    Runtime.getRuntime().addShutdownHook(new Thread(fleet::killAll, "kill-children"));
    Tokens tokens = new Tokens(JwtConfig.DEV_SECRET, Duration.ofHours(12));
    return new BenchContext(
        opts,
        results,
        progress,
        tokens,
        urls,
        api,
        usersDb,
        inventoryDb,
        ordersDb,
        infra,
        fleet,
        gatling,
        work.resolve("data"));
  }

  private void prepare(Seeding seeding) {
    progress.label("seeding");
    progress.step("seeding", seeding::seed);
    progress.step("VACUUM ANALYZE of the three databases", seeding::analyze);
    seeding.hold();
    progress.step("warm-up of users, orders and the report", seeding::warmUp);
    progress.step("VACUUM, CHECKPOINT and waiting for an idle machine", seeding::settle);
  }

  private void runScenarios(BenchContext ctx) {
    OpenModelRuns open = new OpenModelRuns(ctx);
    FaultScenarios faults = new FaultScenarios(ctx);
    OrderScenarios orders = new OrderScenarios(ctx);
    // Runs that stay within capacity first; the two runs at the target rates, which may
    // overload this machine, last, so a service they bring down cannot spoil the others.
    run(
        ctx,
        "closed",
        "closed loop: baseline vs replica vs owner",
        new ClosedLoopComparison(ctx)::run);
    run(ctx, "layers", "the price of each platform layer", new LayerPrices(ctx)::run);
    run(ctx, "explain", "EXPLAIN of the report query", new ReportQueryPlans(ctx)::run);
    run(ctx, "compare", "open model: replica vs owner at the same rate", open::compare);
    run(ctx, "lag", "replication lag probe", new LagScenario(ctx)::run);
    run(
        ctx,
        "ryw",
        "reads after writes with a consistency token",
        new LagScenario(ctx)::readYourWrites);
    run(ctx, "kafka", "mixed load, Kafka stopped", faults::mixedWithKafkaStopped);
    run(ctx, "users", "report load, users killed", faults::reportWithUsersKilled);
    run(ctx, "sellout", "orders: selling out the last units", orders::sellout);
    run(ctx, "orders", "order contention", orders::contention);
    run(ctx, "scaling", "one instance of each service against two", new Scaling(ctx)::run);
    run(ctx, "rate", "open model: report at the target rate", open::report);
    ctx.reviveCrashed("the end");
    new MemoryScenario(ctx).run();
  }

  private void run(BenchContext ctx, String key, String name, Runnable body) {
    if (opts.runs(key)) {
      ctx.scenario(name, body);
    }
  }

  private void stopAll() {
    if (fleet != null) {
      fleet.stopAll((name, e) -> progress.say("stopping " + name + ": " + Failures.rootMessage(e)));
    }
    if (api != null) {
      api.close();
    }
    if (vertx != null) {
      vertx.close();
    }
    if (infra != null) {
      try {
        infra.close();
      } catch (RuntimeException e) {
        progress.say("stopping PostgreSQL and Kafka: " + Failures.rootMessage(e));
      }
    }
  }

  /**
   * {@code --render=FILE [--out=REPORT]}: BENCHMARKS.md (or REPORT) again from a kept results file,
   * without running anything: after a change to the report, or for an older run.
   */
  private static int render(Path root, String[] args) {
    Path file = null;
    Path out = root.resolve("BENCHMARKS.md");
    for (String a : args) {
      if (a.startsWith("--render=")) {
        file = Path.of(a.substring("--render=".length()));
      } else if (a.startsWith("--out=")) {
        out = Path.of(a.substring("--out=".length()));
      } else {
        System.err.println("--render takes only --out=FILE, not " + a);
        return 2;
      }
    }
    if (!Files.isRegularFile(file)) {
      System.err.println("--render: no results file " + file);
      return 2;
    }
    Results recorded = ResultsFile.read(file);
    new ReportWriter(recorded, BenchOptions.recorded(root, recorded, out)).write();
    System.out.println("wrote " + out + " from " + file);
    return 0;
  }

  /**
   * Writes the results file, then BENCHMARKS.md from what that file holds; the exit code says
   * whether the run went as asked (see --strict).
   */
  private int report() {
    try {
      Path file = ResultsFile.beside(opts.output());
      ResultsFile.write(results, file);
      new ReportWriter(ResultsFile.read(file), opts).write();
      progress.say("wrote " + file + ", and " + opts.output() + " and its plot from it");
    } catch (RuntimeException e) {
      e.printStackTrace();
      return 1;
    }
    boolean failed = !results.failures.isEmpty();
    boolean assertions = results.open.values().stream().allMatch(r -> r.run().assertionsPassed());
    progress.say(
        "done in "
            + Math.round(results.totalSeconds)
            + " s; "
            + (failed ? results.failures.size() + " scenario(s) failed; " : "")
            + (assertions ? "all Gatling assertions held" : "some Gatling assertions failed"));
    return opts.strict() && (failed || !assertions) ? 1 : 0;
  }
}
