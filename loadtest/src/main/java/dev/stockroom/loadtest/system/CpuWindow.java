package dev.stockroom.loadtest.system;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Where the CPU went during one measurement: cores used by each group of processes (CPU seconds
 * over wall seconds), plus the whole machine. On 2 cores, 2.0 means the machine was saturated.
 */
public final class CpuWindow {
  public static final String MACHINE = "whole machine";

  private final Map<String, DoubleSupplier> meters;
  private final Map<String, Double> startValues = new LinkedHashMap<>();
  private final long startNanos;
  private final double[] machineStart;

  private CpuWindow(Map<String, DoubleSupplier> meters) {
    this.meters = meters;
    meters.forEach((name, m) -> startValues.put(name, m.getAsDouble()));
    this.machineStart = ProcStats.machineCpu();
    this.startNanos = System.nanoTime();
  }

  public static CpuWindow begin(Map<String, DoubleSupplier> meters) {
    return new CpuWindow(new LinkedHashMap<>(meters));
  }

  /** Cores used per group since {@link #begin}, and {@link #MACHINE} for everything. */
  public Map<String, Double> end() {
    double wall = (System.nanoTime() - startNanos) / 1e9;
    Map<String, Double> cores = new LinkedHashMap<>();
    meters.forEach(
        (name, m) -> cores.put(name, Math.max(0, m.getAsDouble() - startValues.get(name)) / wall));
    double[] machine = ProcStats.machineCpu();
    cores.put(MACHINE, (machine[0] - machineStart[0]) / wall);
    return cores;
  }
}
