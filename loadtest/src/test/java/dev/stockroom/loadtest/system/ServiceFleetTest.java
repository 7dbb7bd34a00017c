package dev.stockroom.loadtest.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceFleetTest {
  @Test
  void initialHeapIsWhatAPodOfTwiceTheHeapStartsWith() {
    assertThat(ServiceFleet.initialHeap("256m")).isEqualTo("8m");
    assertThat(ServiceFleet.initialHeap("1G")).isEqualTo("32m");
    assertThat(ServiceFleet.initialHeap("2097152k")).isEqualTo("64m");
    assertThat(ServiceFleet.initialHeap("4294967296")).isEqualTo("128m");
    assertThat(ServiceFleet.initialHeap("128m")).as("never below 8m").isEqualTo("8m");
    assertThatThrownBy(() -> ServiceFleet.initialHeap("lots"))
        .hasMessageContaining("serviceXmx")
        .hasMessageContaining("lots");
  }
}
