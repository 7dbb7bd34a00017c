package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.system.ServiceFleet;
import dev.stockroom.loadtest.system.ServiceProcess;

/**
 * What each service's JVM took in memory over the run (peak RSS per scenario, at the end) and
 * whether it crashed, sampled all along by the fleet.
 */
public record MemoryScenario(BenchContext ctx) {
  public void run() {
    ServiceFleet fleet = ctx.fleet();
    for (String name : ServiceFleet.SERVICES) {
      ServiceProcess s = fleet.get(name);
      long[] now = s.sampleRss();
      ctx.results()
          .memory
          .add(
              new Results.Memory(
                  name,
                  ctx.opts().s("serviceXmx"),
                  fleet.peakRssByLabel(name),
                  s.peakRssKb(),
                  now[0],
                  s.outOfMemoryCount() > 0,
                  s.exitCode(),
                  fleet.crashedDuring(name)));
    }
  }
}
