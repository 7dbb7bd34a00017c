package dev.stockroom.loadtest;

import dev.stockroom.loadtest.system.MachineIdle;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Getting the started system ready to measure: seeded, analysed and warmed up. */
public record Seeding(BenchContext ctx) {

  public void seed() {
    SeedPlan plan = ctx.opts().seedPlan();
    ctx.say(
        String.format(
            Locale.ROOT,
            "  %d users, %d items, %d restocks",
            plan.users(),
            plan.items(),
            plan.restocks()));
    ctx.results().seed = ctx.seeder().seed(plan, ctx.dataDir());
    for (Seeder.Step s : ctx.results().seed.steps()) {
      ctx.say(
          String.format(
              Locale.ROOT,
              "  %-45s %6d in %5.1f s (%.0f/s)",
              s.what(),
              s.count(),
              s.seconds(),
              s.perSecond()));
    }
  }

  /**
   * A freshly loaded database has no statistics until autovacuum gets to it (within about a
   * minute); plans chosen before that stick in the services' prepared statement caches.
   */
  public void analyze() {
    List.of(ctx.usersDb(), ctx.inventoryDb(), ctx.ordersDb())
        .forEach(db -> db.lines(List.of("VACUUM ANALYZE")));
  }

  /**
   * VACUUM and CHECKPOINT now rather than in the middle of a measurement, then waits until the
   * machine is idle (or settleSeconds pass): a run that started straight after seeding measured its
   * first endpoint at half speed while autovacuum and checkpoint write-back ran.
   */
  public void settle() {
    List.of(ctx.usersDb(), ctx.inventoryDb(), ctx.ordersDb())
        .forEach(db -> db.lines(List.of("VACUUM ANALYZE", "CHECKPOINT")));
    double busy = MachineIdle.await(Duration.ofSeconds(ctx.opts().i("settleSeconds")), ctx);
    ctx.results()
        .notes
        .add(
            String.format(
                Locale.ROOT,
                "Before measuring, the machine settled at %.2f cores busy (of %d) after seeding,"
                    + " VACUUM ANALYZE and CHECKPOINT.",
                busy,
                Runtime.getRuntime().availableProcessors()));
  }

  /** For debugging (--holdSeconds): keeps the seeded system up and says how to reach it. */
  public void hold() {
    int seconds = ctx.opts().i("holdSeconds");
    if (seconds <= 0) {
      return;
    }
    ctx.say("holding the seeded system for " + seconds + " s:");
    ctx.fleet()
        .all()
        .forEach(s -> ctx.say("  " + s.name() + " " + s.url() + " (pid " + s.pid() + ")"));
    ctx.say("  inventory database " + ctx.infra().pgUri("inventory"));
    ctx.say(
        "  stocker token: " + ctx.tokens().bearer(ctx.results().seed.stockers().get(0), "stocker"));
    ctx.pause(seconds * 1000L);
  }

  public void warmUp() {
    ctx.seeder().warmUp(ctx.results().seed, 1000);
  }
}
