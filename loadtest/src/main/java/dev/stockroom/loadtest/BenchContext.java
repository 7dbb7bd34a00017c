package dev.stockroom.loadtest;

import dev.stockroom.loadtest.system.CpuMeters;
import dev.stockroom.loadtest.system.CpuWindow;
import dev.stockroom.loadtest.system.Infra;
import dev.stockroom.loadtest.system.ServiceFleet;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * The running system and what the scenarios share: options, results, clients, databases and the
 * JVMs under test, plus running one scenario so that its failure is written down and the others
 * still run.
 */
public record BenchContext(
    BenchOptions opts,
    Results results,
    Progress progress,
    Tokens tokens,
    Urls urls,
    Api api,
    Db usersDb,
    Db inventoryDb,
    Db ordersDb,
    Infra infra,
    ServiceFleet fleet,
    GatlingRunner gatling,
    Path dataDir) {

  public void say(String line) {
    progress.say(line);
  }

  /** A blocking pause (the harness's main thread may block). */
  public void pause(long millis) {
    Seeder.sleep(millis);
  }

  public void sleepUntil(long epochMillis) {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait > 0) {
      pause(wait);
    }
  }

  /** Starts measuring every process's CPU; the load generator's by the given meter. */
  public CpuWindow cpuWindow(DoubleSupplier loadGenerator) {
    return CpuWindow.begin(CpuMeters.of(infra, fleet.all(), loadGenerator));
  }

  public Seeder seeder() {
    return new Seeder(api, tokens, urls, inventoryDb, ordersDb);
  }

  /**
   * Runs one scenario after restarting any service that died during the previous one; its failure
   * is written down as the scenario's and does not stop the run.
   */
  public void scenario(String name, Runnable body) {
    reviveCrashed("\"" + name + "\"");
    progress.enterScenario(name);
    say(name);
    long t = System.nanoTime();
    try {
      body.run();
    } catch (RuntimeException e) {
      results.failures.put(name, Failures.rootMessage(e));
      say("  FAILED: " + Failures.rootMessage(e));
      e.printStackTrace();
    }
    say(String.format(Locale.ROOT, "  (%.0f s)", (System.nanoTime() - t) / 1e9));
  }

  /** A service that died by itself (e.g. OutOfMemoryError) is written down and started again. */
  public void reviveCrashed(String before) {
    for (String name : ServiceFleet.SERVICES) {
      fleet
          .crash(name, progress.lastScenario(), before)
          .ifPresent(
              note -> {
                results.notes.add(note);
                say("  " + note);
                try {
                  fleet.restart(name);
                } catch (RuntimeException e) {
                  results.failures.put("restarting " + name, Failures.rootMessage(e));
                }
              });
    }
  }
}
