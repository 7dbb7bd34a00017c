package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.scenarios.FaultSchedule.Fault;
import dev.stockroom.loadtest.system.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Load through a fault, in three equal windows (before, during, after): mixed load while Kafka is
 * stopped, and report load while users is killed. Each says what broke and whether it recovered.
 */
public record FaultScenarios(BenchContext ctx) {

  /** Writes go on into users' outbox while Kafka is down; nothing may be lost or doubled. */
  public void mixedWithKafkaStopped() {
    double p = ctx.opts().d("mixedPhaseSeconds");
    double rate = ctx.opts().d("mixedRate");
    OutboxCatchUp catchUp = new OutboxCatchUp(ctx);
    Results.OpenRun run =
        new OpenModelLoad(ctx)
            .run(
                "mixed-kafka",
                String.format(Locale.ROOT, "Mixed, %.0f/s, Kafka stopped", rate),
                OpenModelLoad.MIXED,
                rate,
                3 * p,
                Map.of("bench.phases", phases(p), "bench.p99Ms", "1000", "bench.maxErrorPct", "0"),
                List.of(
                    new Fault(
                        Math.round(p * 1000), "Kafka stopped", () -> ctx.infra().kafka().stop()),
                    new Fault(
                        Math.round(2 * p * 1000),
                        "Kafka started again",
                        () -> {
                          ctx.infra().kafka().restart();
                          catchUp.kafkaRestarted();
                        })));
    String drained = catchUp.awaitOutcome();
    ctx.say("  " + drained);
    String verdict = replicasVerdict(catchUp);
    List<String> events = new ArrayList<>(run.events());
    events.add(drained);
    events.add(verdict);
    ctx.results()
        .open
        .put(
            run.key(),
            new Results.OpenRun(
                run.key(),
                run.label(),
                run.rate(),
                run.run(),
                run.cpu(),
                events,
                run.loadStartMillis()));
    ctx.say("  " + verdict);
  }

  /** After the load: is anything lost? Both replicas must match the owner exactly. */
  private String replicasVerdict(OutboxCatchUp outbox) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      long backlog = outbox.backlog();
      long owner = ctx.usersDb().scalar("SELECT coalesce(sum(version), 0) FROM users");
      long inv = ctx.inventoryDb().scalar("SELECT coalesce(sum(version), 0) FROM user_replica");
      long ord = ctx.ordersDb().scalar("SELECT coalesce(sum(version), 0) FROM customer_replica");
      if (backlog == 0 && owner == inv && owner == ord) {
        return String.format(
            Locale.ROOT,
            "after the load, both replicas (inventory's and orders') matched users exactly:"
                + " nothing lost or doubled (sum of versions %d)",
            owner);
      }
      ctx.pause(250);
    }
    return "replicas did NOT match users within 60 s after the load";
  }

  /** The report reads replicas only: it should not notice users being gone. */
  public void reportWithUsersKilled() {
    double p = ctx.opts().d("faultReadPhaseSeconds");
    ServiceProcess users = ctx.fleet().get("users");
    OpenModelLoad load = new OpenModelLoad(ctx);
    // A quarter of capacity: the restarted users JVM takes about a core for its first seconds,
    // and here it starts on the same two cores as inventory, PostgreSQL and Gatling.
    double readRate = load.rateOf("faultReadRate", "replica", 4);
    load.run(
        "read-users-killed",
        String.format(Locale.ROOT, "LowStockRead, replica, %.0f/s, users killed", readRate),
        OpenModelLoad.LOW_STOCK,
        readRate,
        3 * p,
        Map.of(
            "bench.phases",
            phases(p),
            "bench.p99Ms",
            ctx.opts().s("faultReadP99Ms"),
            "bench.maxErrorPct",
            "0"),
        List.of(
            new Fault(Math.round(p * 1000), "users killed (SIGKILL)", users::kill),
            new Fault(
                Math.round(2 * p * 1000),
                "users started again and ready",
                () -> ctx.fleet().restart("users"))));
  }

  private static String phases(double seconds) {
    return String.format(Locale.ROOT, "before:%s,during:%s,after:%s", seconds, seconds, seconds);
  }
}
