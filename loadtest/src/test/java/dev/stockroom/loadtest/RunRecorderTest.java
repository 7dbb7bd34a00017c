package dev.stockroom.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class RunRecorderTest {
  @Test
  void recordsPerNamePerSecondAndOverall() {
    RunRecorder r = new RunRecorder(1_000_000);
    for (int i = 0; i < 100; i++) {
      r.record("report [before]", 1_000_000 + i * 10, (long) (1 + i % 10), true);
    }
    r.record("report [during]", 1_002_500, null, false);
    r.record("report [during]", 1_002_600, 300L, false);
    JsonObject json = r.toJson(2.0);
    assertThat(json.getJsonObject("global").getLong("count")).isEqualTo(102);
    assertThat(json.getJsonObject("global").getLong("ko")).isEqualTo(2);
    JsonObject during = json.getJsonObject("requests").getJsonObject("report [during]");
    assertThat(during.getLong("noResponse")).isEqualTo(1);
    assertThat(during.getLong("max")).isEqualTo(300);
    assertThat(json.getJsonArray("timeline")).hasSize(2);
    assertThat(json.getDouble("seconds")).isGreaterThanOrEqualTo(2.0);

    LatencyStats before =
        RunRecorder.stats(
            "b", json.getJsonObject("requests").getJsonObject("report [before]"), 2.0);
    assertThat(before.requests()).isEqualTo(100);
    assertThat(before.errors()).isZero();
    assertThat(before.p50()).isEqualTo(5.0);
    assertThat(before.p99()).isEqualTo(10.0);
    assertThat(before.throughput()).isEqualTo(50.0);
  }
}
