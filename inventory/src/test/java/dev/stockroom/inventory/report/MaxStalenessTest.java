package dev.stockroom.inventory.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.http.Problem;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("maxStaleness: any ISO-8601 duration, held to REPLICA_TTL")
class MaxStalenessTest {
  private static final Duration MONTHS = Duration.ofDays(60);

  @Test
  @DisplayName("each unit counts, a year and a month at their shortest; larger is held to the cap")
  void durations() {
    assertThat(MaxStaleness.atMost("PT5M", MONTHS)).isEqualTo(Duration.ofMinutes(5));
    assertThat(MaxStaleness.atMost("pt0.5s", MONTHS)).isEqualTo(Duration.ofMillis(500));
    assertThat(MaxStaleness.atMost("PT1,25S", MONTHS)).isEqualTo(Duration.ofMillis(1250));
    assertThat(MaxStaleness.atMost("P0Y", MONTHS)).isEqualTo(Duration.ZERO);
    assertThat(MaxStaleness.atMost("P1W", MONTHS)).isEqualTo(Duration.ofDays(7));
    assertThat(MaxStaleness.atMost("P1M", MONTHS)).isEqualTo(Duration.ofDays(28));
    assertThat(MaxStaleness.atMost("P1DT2H3M4S", MONTHS))
        .isEqualTo(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4));
    assertThat(MaxStaleness.atMost("P1Y", MONTHS)).isEqualTo(MONTHS);
    assertThat(MaxStaleness.atMost("PT99999999999999999999S", MONTHS)).isEqualTo(MONTHS);
    assertThat(MaxStaleness.atMost("PT30S", Duration.ofSeconds(10)))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("what is not a duration, or is negative, is a 400")
  void refusals() {
    for (String bad : new String[] {"P", "PT", "P1S", "PT1D", "P1.5D", "P1Z", "PT1H2", "1D"}) {
      assertThatThrownBy(() -> MaxStaleness.atMost(bad, MONTHS))
          .as(bad)
          .isInstanceOfSatisfying(
              Problem.class,
              p -> assertThat(p.toJson(null, "r").getString("detail")).contains("ISO-8601"));
    }
    for (String negative : new String[] {"-PT1S", "PT-1S"}) {
      assertThatThrownBy(() -> MaxStaleness.atMost(negative, MONTHS))
          .as(negative)
          .hasMessageContaining("negative");
    }
  }
}
