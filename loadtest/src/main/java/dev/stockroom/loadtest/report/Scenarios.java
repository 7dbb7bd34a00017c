package dev.stockroom.loadtest.report;

import java.util.List;

/** The runner's scenario names, as the memory sampler records them, in the order they run. */
final class Scenarios {
  private Scenarios() {}

  static final String MIXED_KAFKA_STOPPED = "mixed load, Kafka stopped";
  static final String REPORT_AT_TARGET = "open model: report at the target rate";

  static final List<String> IN_RUN_ORDER =
      List.of(
          "seeding",
          "closed loop: baseline vs replica vs owner",
          "open model: replica vs owner at the same rate",
          "replication lag probe",
          MIXED_KAFKA_STOPPED,
          "report load, users killed",
          "orders: selling out the last units",
          "order contention",
          REPORT_AT_TARGET);

  /** Up to and including the mixed load: a crash here breaks the memory target. */
  static final List<String> THROUGH_MIXED =
      IN_RUN_ORDER.subList(0, IN_RUN_ORDER.indexOf(MIXED_KAFKA_STOPPED) + 1);
}
