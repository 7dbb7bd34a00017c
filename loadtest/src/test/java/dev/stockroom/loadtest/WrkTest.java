package dev.stockroom.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WrkTest {
  @Test
  void parsesTheReporterLine() {
    String out =
        "Running 10s test @ http://localhost:1/x\n"
            + "WRKJSON {\"requests\":1000,\"durationUs\":10000000,\"bytes\":13000000,"
            + "\"connect\":0,\"read\":1,\"write\":0,\"status\":2,\"timeout\":0,\"stale\":3,"
            + "\"maxUs\":45000,\"meanUs\":3000.0,\"percentiles\":[[0,100],[50,2500],[95,6000],"
            + "[99,9000],[99.9,20000],[99.99,40000]]}\n";
    Wrk.Result r = Wrk.parse("x", out);
    assertThat(r.stats().throughput()).isEqualTo(100.0);
    assertThat(r.stats().p50()).isEqualTo(2.5);
    assertThat(r.stats().p99()).isEqualTo(9.0);
    assertThat(r.stats().p999()).isEqualTo(20.0);
    assertThat(r.stats().max()).isEqualTo(45.0);
    assertThat(r.stats().errors()).isEqualTo(3);
    assertThat(r.stale()).isEqualTo(3);
    assertThat(r.bytesPerResponse()).isEqualTo(13000.0);
    assertThat(r.stats().curve()).hasSize(6);
  }

  @Test
  void noReporterLineIsAnError() {
    assertThatThrownBy(() -> Wrk.parse("x", "unable to connect")).hasMessageContaining("no result");
  }
}
