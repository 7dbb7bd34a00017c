package dev.stockroom.loadtest.chaos;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.loadtest.Api;
import dev.stockroom.loadtest.Db;
import dev.stockroom.loadtest.SeedPlan;
import dev.stockroom.loadtest.Seeder;
import dev.stockroom.loadtest.Tokens;
import dev.stockroom.loadtest.Urls;
import dev.stockroom.loadtest.system.Infra;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The chaos run: several instances of every service, a workload recorded request by request, faults
 * on a schedule, then the {@link Checker} on the history alone and CHAOS.md. Exit code 0 when every
 * property holds, 1 when one does not (the counterexamples are in the report), 2 for a run that
 * could not be made.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = "Faults under load on several instances per service, checked from the history.")
public final class ChaosRun implements Callable<Integer> {
  @Option(names = "--instances", defaultValue = "2", description = "instances per service")
  int instances;

  @Option(
      names = "--rounds",
      defaultValue = "2",
      description = "times every fault kind is injected")
  int rounds;

  @Option(names = "--down-seconds", defaultValue = "8", description = "how long a fault lasts")
  double downSeconds;

  @Option(names = "--gap-seconds", defaultValue = "6", description = "load between two faults")
  double gapSeconds;

  @Option(names = "--quiet-seconds", defaultValue = "20", description = "load after the faults")
  double quietSeconds;

  @Option(names = "--tracked", defaultValue = "20", description = "people renamed all along")
  int tracked;

  @Option(names = "--customers", defaultValue = "8", description = "customers placing orders")
  int customers;

  @Option(names = "--readers", defaultValue = "2", description = "concurrent report readers")
  int readers;

  @Option(names = "--rename-pause-ms", defaultValue = "1000", description = "per tracked person")
  long renamePauseMs;

  @Option(names = "--order-pause-ms", defaultValue = "1000", description = "per customer")
  long orderPauseMs;

  @Option(names = "--read-pause-ms", defaultValue = "100", description = "per reader")
  long readPauseMs;

  @Option(names = "--stock", defaultValue = "300", description = "units of each scarce sku")
  int stock;

  @Option(names = "--visibility-bound-seconds", defaultValue = "20")
  double visibilityBoundSeconds;

  @Option(names = "--xmx", defaultValue = "192m", description = "each service JVM's heap")
  String xmx;

  @Option(names = "--root", defaultValue = ".", description = "the project (service jars)")
  Path root;

  @Option(names = "--work", defaultValue = "loadtest/target/chaos", description = "logs, history")
  Path work;

  @Option(names = "--out", defaultValue = "CHAOS.md", description = "the report to write")
  Path out;

  static final Duration SMALL_BUDGET = Duration.ofSeconds(1);
  static final long DEFAULT_BUDGET_MS = Duration.ofMinutes(15).toMillis(); // REPLICA_TTL

  public static void main(String[] args) {
    System.exit(new CommandLine(new ChaosRun()).execute(args));
  }

  /** The outcome of a run: the properties and where the history and report went. */
  public record Outcome(List<Checker.Property> properties, Path history, Path report) {
    public boolean passed() {
      return properties.stream().allMatch(Checker.Property::passed);
    }
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // One instance leaves nobody to carry the load through a restart or a kill.
    check(instances >= 2 && instances <= 9, "--instances: 2 to 9");
    check(rounds >= 1, "--rounds: at least 1");
    check(tracked >= 1 && tracked <= 200, "--tracked: 1 to 200 (one report page shows them)");
    check(customers >= 1 && readers >= 1 && stock >= 1, "--customers, --readers, --stock: >= 1");
    check(
        downSeconds >= 0 && gapSeconds >= 0 && quietSeconds >= 0 && visibilityBoundSeconds > 0,
        "durations must not be negative");
    Outcome outcome = run();
    outcome.properties().forEach(p -> say((p.passed() ? "PASS " : "FAIL ") + p.name()));
    say("report: " + outcome.report() + ", history: " + outcome.history());
    return outcome.passed() ? 0 : 1;
  }

  /** A bad option is a usage error (exit 2, with the usage), before anything starts. */
  private void check(boolean ok, String message) {
    if (!ok) {
      throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }

  public Outcome run() {
    long started = System.nanoTime();
    say("PostgreSQL and Kafka");
    Vertx vertx = Vertx.vertx();
    try (Infra infra = Infra.start(work.resolve("pg"));
        Api api = new Api(vertx, 64)) {
      say(instances + " instances of users, inventory and orders");
      try (ChaosFleet fleet =
          ChaosFleet.start(vertx, root.toAbsolutePath(), work, infra, instances, xmx)) {
        return load(api, fleet, infra, started);
      }
    } finally {
      vertx.close();
    }
  }

  private Outcome load(Api api, ChaosFleet fleet, Infra infra, long started) {
    Tokens tokens = new Tokens(JwtConfig.DEV_SECRET, Duration.ofHours(4));
    Urls urls = fleet.urls();
    SeedPlan plan = new SeedPlan(customers, 1, tracked, 1, 1, 1, 1, 3, stock);
    say("seeding " + plan.users() + " people and " + plan.items() + " items");
    Seeder.Seeded seeded =
        new Seeder(
                api, tokens, urls, new Db(infra.pgUri("inventory")), new Db(infra.pgUri("orders")))
            .seed(plan, work.resolve("data"));
    List<String> skus = IntStream.range(0, plan.sellout()).mapToObj(SeedPlan::selloutSku).toList();
    ReadBack readBack = new ReadBack(api, urls, tokens);
    Map<String, long[]> before = readBack.stock(skus);

    History history = new History();
    Workload workload =
        new Workload(
            api,
            fleet,
            history,
            tokens,
            new Workload.Plan(
                seeded.probes(),
                seeded.customers(),
                skus,
                readers,
                Duration.ofMillis(renamePauseMs),
                Duration.ofMillis(orderPauseMs),
                Duration.ofMillis(readPauseMs),
                SMALL_BUDGET));
    say("load on; faults every " + gapSeconds + " s, " + rounds + " round(s) of " + Faults.KINDS);
    workload.start();
    new Faults(fleet, history, seconds(downSeconds), seconds(gapSeconds), ChaosRun::say)
        .run(rounds);
    double faultsEnd = history.nowMs();
    say("faults over; " + quietSeconds + " s more load");
    Faults.pause(seconds(quietSeconds)); // the load runs on, with no fault
    workload.stop();
    workload.finalReads(null);
    workload.finalReads(SMALL_BUDGET);
    say("reading back orders, stock and credit");
    Map<String, String> customerByOrder = new HashMap<>();
    history.orderAttempts.stream()
        .filter(a -> a.orderId() != null)
        .forEach(a -> customerByOrder.put(a.orderId(), a.customer()));
    history.orders.addAll(readBack.orders(customerByOrder));
    Map<String, long[]> after = readBack.stock(skus);
    skus.forEach(
        s ->
            history.stock.add(
                new History.Stock(s, before.get(s)[0], after.get(s)[0], after.get(s)[1])));
    history.customers.addAll(readBack.customers(seeded.customers()));
    history.settings =
        new History.Settings(
            instances, DEFAULT_BUDGET_MS, Math.round(visibilityBoundSeconds * 1000), faultsEnd);
    history.lengthMs = history.nowMs();

    Path file = work.resolve("history.json");
    history.write(file);
    // The checker sees the history as written, nothing the harness kept in memory.
    History recorded = History.read(file);
    List<Checker.Property> properties = Checker.check(recorded);
    Path plot = ChaosReport.plotNextTo(out);
    new ChaosReport(recorded, properties, (System.nanoTime() - started) / 1e9, commandLine())
        .write(out, plot);
    return new Outcome(properties, file, out);
  }

  private String commandLine() {
    return String.format(
        Locale.ROOT,
        "loadtest/run-chaos.sh --instances=%d --rounds=%d --down-seconds=%s --gap-seconds=%s"
            + " --quiet-seconds=%s",
        instances,
        rounds,
        downSeconds,
        gapSeconds,
        quietSeconds);
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }

  static void say(String line) {
    System.out.println("[chaos] " + line);
    System.out.flush();
  }
}
