package dev.stockroom.loadtest.report;

import dev.stockroom.loadtest.Machine;
import java.util.HashMap;
import java.util.Map;

/** What the run ran on: CPU, memory, OS and the versions of everything measured. */
final class MachineSection extends Section {
  MachineSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    Machine m = r.machine;
    Map<String, Object> model = new HashMap<>();
    if (m == null) {
      model.put("machine", false);
    } else {
      Map<String, Object> machine = new HashMap<>();
      machine.put("cpuModel", m.cpuModel());
      machine.put("nproc", m.nproc());
      machine.put("cpuInfoProcessors", m.cpuInfoProcessors());
      machine.put("memory", Fmt.gib(m.memTotalKb()));
      machine.put("os", m.os());
      machine.put("kernel", m.kernel());
      machine.put("java", m.java());
      machine.put("postgres", m.postgres());
      machine.put("postgresCommits", m.postgresCommits());
      machine.put("kafka", m.kafka());
      machine.put("gatling", m.gatling());
      machine.put("wrk", m.wrk());
      model.put("machine", machine);
    }
    md.raw(Template.render("machine", model));
  }
}
