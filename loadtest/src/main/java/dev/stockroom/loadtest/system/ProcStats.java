package dev.stockroom.loadtest.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/** CPU time and resident memory of processes, from /proc (Linux). */
public final class ProcStats {
  private static final double TICKS = clockTicks();

  private ProcStats() {}

  /** utime + stime (+ cutime + cstime when {@code withChildren}) of a process, in seconds. */
  public static double cpuSeconds(long pid, boolean withChildren) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      if (withChildren) {
        ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
      }
      return ticks / TICKS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  public static double cpuSeconds(Collection<Long> pids) {
    return pids.stream().mapToDouble(p -> cpuSeconds(p, true)).sum();
  }

  /** Busy and total CPU seconds of the whole machine since boot, from /proc/stat. */
  public static double[] machineCpu() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new double[] {(total - idle) / TICKS, total / TICKS};
    } catch (IOException | RuntimeException e) {
      return new double[] {0, 0};
    }
  }

  /** VmRSS and VmHWM (peak) in KiB, or {0, 0} when the process is gone. */
  public static long[] rssKb(long pid) {
    try {
      long rss = 0;
      long hwm = 0;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kb(line);
        } else if (line.startsWith("VmHWM:")) {
          hwm = kb(line);
        }
      }
      return new long[] {rss, hwm};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  private static long kb(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  private static double clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Double.parseDouble(out);
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  /** All descendants of a process plus itself. */
  public static List<Long> tree(long pid) {
    return ProcessHandle.of(pid)
        .map(
            h ->
                java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(h.pid()),
                        h.descendants().map(ProcessHandle::pid))
                    .toList())
        .orElse(List.of());
  }
}
