package dev.stockroom.loadtest.system;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/** The CPU meters a {@link CpuWindow} reads: who used the machine during a measurement. */
public final class CpuMeters {
  private CpuMeters() {}

  /** PostgreSQL, each JVM under test, the load generator, and this JVM (Kafka runs in it). */
  public static Map<String, DoubleSupplier> of(
      Infra infra, Collection<ServiceProcess> jvms, DoubleSupplier loadGenerator) {
    Map<String, DoubleSupplier> m = new LinkedHashMap<>();
    m.put("PostgreSQL", () -> ProcStats.cpuSeconds(infra.postgresPids()));
    for (ServiceProcess s : jvms) {
      m.put(s.name(), s::cpuSeconds);
    }
    m.put("load generator", loadGenerator);
    long self = ProcessHandle.current().pid();
    m.put("harness + Kafka", () -> ProcStats.cpuSeconds(self, false));
    return m;
  }

  /** CPU of this JVM's finished children (wrk, once it has exited and been reaped). */
  public static double finishedChildren() {
    long self = ProcessHandle.current().pid();
    return ProcStats.cpuSeconds(self, true) - ProcStats.cpuSeconds(self, false);
  }

  /** CPU of a running process and all its descendants (Gatling under the Maven wrapper). */
  public static double processTree(long pid) {
    return ProcStats.tree(pid).stream().mapToDouble(p -> ProcStats.cpuSeconds(p, false)).sum();
  }
}
