package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Results.ClosedLoop;
import dev.stockroom.loadtest.Results.OpenRun;
import dev.stockroom.loadtest.system.CpuWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One instance of each service against two, on this machine: where the cores go. */
final class ScalingSection extends Section {
  private static final String[] REPORT_CPU = {
    "inventory", "inventory-2", "PostgreSQL", "load generator", CpuWindow.MACHINE
  };
  private static final String[] ORDERS_CPU = {
    "orders",
    "orders-2",
    "inventory",
    "inventory-2",
    "users",
    "users-2",
    "PostgreSQL",
    "harness + Kafka",
    "load generator",
    CpuWindow.MACHINE
  };

  ScalingSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    if (r.scalingReport.isEmpty() && r.scalingOrders.isEmpty()) {
      return;
    }
    md.raw(
        Template.render(
            "scaling",
            Map.of(
                "nproc",
                nproc(),
                "report",
                Markdown.of(this::reportTable),
                "orders",
                Markdown.of(this::ordersTable))));
  }

  private void reportTable(Markdown t) {
    t.head(
        "lrrr" + "r".repeat(REPORT_CPU.length),
        header(REPORT_CPU, "setup", "req/s", "spread", "p99"));
    for (ClosedLoop c : r.scalingReport) {
      t.row(
          c.what(),
          Fmt.bold(Fmt.f0(c.throughput())),
          Fmt.pct(c.spread()) + (c.steady() ? "" : " ⚠"),
          Fmt.ms(c.result().stats().p99()),
          Cells.cores(c.cpu(), REPORT_CPU));
    }
  }

  private static List<String> header(String[] cpuGroups, String... first) {
    List<String> cells = new ArrayList<>(List.of(first));
    for (String group : cpuGroups) {
      cells.add("CPU: " + group);
    }
    return cells;
  }

  private void ordersTable(Markdown t) {
    t.head(
        "lrrrr" + "r".repeat(ORDERS_CPU.length),
        header(
            ORDERS_CPU,
            "setup",
            "offered/s",
            "confirmed/s while in stock",
            "refused (503)",
            "CPU/order"));
    for (Map.Entry<String, Results.Orders> e : r.scalingOrders.entrySet()) {
      OpenRun run = r.open.get(e.getKey());
      Results.Orders o = e.getValue();
      Map<String, Double> cpu = run == null ? Map.of() : run.cpu();
      double ms = Runs.msPerOrder(run, o);
      t.row(
          run == null ? e.getKey() : run.label(),
          run == null ? "–" : Fmt.f0(run.rate()),
          Fmt.bold(Fmt.f0(o.confirmedPerSecondInStock())),
          Fmt.f0(o.poolBusyErrors()),
          Double.isNaN(ms) ? "–" : Fmt.f1(ms) + " ms",
          Cells.cores(cpu, ORDERS_CPU));
    }
  }
}
