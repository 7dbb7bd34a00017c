package dev.stockroom.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class SimSettingsTest {
  @Test
  void defaultsAndOverrides() {
    Properties p = new Properties();
    p.setProperty("bench.rate", "5000");
    p.setProperty("bench.duration", "60");
    SimSettings s = SimSettings.from(p);
    assertThat(s.rate()).isEqualTo(5000);
    assertThat(s.inventoryUrl()).isEqualTo("http://localhost:8082");
    assertThat(s.phasesOrDuration().totalSeconds()).isEqualTo(60.0);
    assertThat(s.phasesOrDuration().isSingle()).isTrue();
    assertThat(s.mix()).containsKeys("report", "restock", "userUpdate", "order");
  }

  @Test
  void phasesWinOverDuration() {
    Properties p = new Properties();
    p.setProperty("bench.phases", "before:10,during:10,after:10");
    assertThat(SimSettings.from(p).phasesOrDuration().totalSeconds()).isEqualTo(30.0);
  }

  @Test
  void mixIsNormalised() {
    var mix = SimSettings.parseMix("report:6,order:2");
    assertThat(mix.get("report")).isCloseTo(0.75, within(1e-9));
    assertThat(mix.get("order")).isCloseTo(0.25, within(1e-9));
    assertThatThrownBy(() -> SimSettings.parseMix("report:0"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SimSettings.parseMix("report"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
