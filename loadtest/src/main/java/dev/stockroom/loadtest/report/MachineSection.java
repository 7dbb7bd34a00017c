package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.Machine;

/** What the run ran on: CPU, memory, OS and the versions of everything measured. */
final class MachineSection extends Section {
  MachineSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.heading("The machine");
    if (r.machine == null) {
      md.line("(not recorded)");
      md.line();
      return;
    }
    Machine m = r.machine;
    md.head("ll", "", "");
    md.row("CPU", m.cpuModel());
    md.row("cores (`nproc`)", m.nproc() + " (" + m.cpuInfoProcessors() + " in /proc/cpuinfo)");
    md.row("memory (MemTotal)", Fmt.gib(m.memTotalKb()));
    md.row("OS, kernel", m.os() + ", Linux " + m.kernel());
    md.row("Java", m.java());
    md.row("PostgreSQL", m.postgres() + " (embedded, zonky binaries, default settings)");
    md.row("Kafka", m.kafka() + " (embedded KRaft broker, one node, in the harness JVM)");
    md.row(
        "load generators",
        "Gatling " + m.gatling() + " (gatling-maven-plugin, Java DSL); " + m.wrk());
    md.line();
  }
}
