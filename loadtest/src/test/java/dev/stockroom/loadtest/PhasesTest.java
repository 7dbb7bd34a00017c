package dev.stockroom.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PhasesTest {
  @Test
  void namesTheWindowOfEachOffset() {
    Phases p = Phases.parse("before:20,during:20,after:20");
    assertThat(p.at(0)).isEqualTo("before");
    assertThat(p.at(19_999)).isEqualTo("before");
    assertThat(p.at(20_000)).isEqualTo("during");
    assertThat(p.at(59_999)).isEqualTo("after");
    assertThat(p.at(75_000)).isEqualTo("after");
    assertThat(p.startOf("after")).isEqualTo(40_000);
    assertThat(p.totalSeconds()).isEqualTo(60.0);
    assertThat(p.isSingle()).isFalse();
  }

  @Test
  void blankMeansOneEndlessWindow() {
    Phases p = Phases.parse(" ");
    assertThat(p.isSingle()).isTrue();
    assertThat(p.at(1_000_000)).isEqualTo("all");
  }

  @Test
  void fractionalSecondsAndBadInput() {
    assertThat(Phases.parse("a:1.5,b:0.5").startOf("b")).isEqualTo(1500);
    assertThatThrownBy(() -> Phases.parse("a:0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Phases.parse("a")).isInstanceOf(IllegalArgumentException.class);
  }
}
