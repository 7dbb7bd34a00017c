package dev.stockroom.common.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.replica.ReplicaEvent.Poison;
import dev.stockroom.common.replica.ReplicaEvent.Rejected;
import dev.stockroom.common.replica.ReplicaEvent.Upsert;
import dev.stockroom.common.replica.ReplicaEvent.Watermark;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("What the replica does not take on trust")
class ReplicaTrustTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private final ReplicaTrust trust = new ReplicaTrust(Duration.ofSeconds(5), 1000);
  private final UUID id = UUID.randomUUID();

  private Upsert upsert(long version, Instant time) {
    return new Upsert(id, new JsonObject().put("name", "N"), version, false, 0, time);
  }

  @Test
  @DisplayName("a watermark beyond the clock plus the skew is ignored; one within it is kept")
  void futureWatermarks() {
    Watermark forged = new Watermark(2, Instant.parse("2999-01-01T00:00:00Z"));
    Watermark skewed = new Watermark(1, NOW.plusSeconds(4));
    ReplicaTrust.Screened s = trust.screen(List.of(forged, skewed), Map.of(), NOW);

    assertThat(s.events().get(0)).isInstanceOf(Rejected.class);
    assertThat(((Rejected) s.events().get(0)).reason()).contains("2999-01-01").contains("PT5S");
    assertThat(s.events().get(1)).isEqualTo(skewed);
    assertThat(s.ignoredWatermarks()).isEqualTo(1);
  }

  @Test
  @DisplayName("an event time from the future is applied at this clock's now, and counted")
  void futureEventTimes() {
    ReplicaTrust.Screened s =
        trust.screen(
            List.of(upsert(2, Instant.parse("2999-01-01T00:00:00Z")), upsert(3, NOW)),
            Map.of(id, 1L),
            NOW);

    assertThat(s.events()).extracting(e -> ((Upsert) e).time()).containsExactly(NOW, NOW);
    assertThat(s.events()).extracting(e -> ((Upsert) e).version()).containsExactly(2L, 3L);
    assertThat(s.clampedTimes()).isEqualTo(1);
  }

  @Test
  @DisplayName("a version jump beyond the limit is poison, measured from the stored version or 0")
  void versionJumps() {
    ReplicaTrust.Screened stored =
        trust.screen(
            List.of(upsert(9_000_000_000_000_000_000L, NOW), upsert(1_007, NOW)),
            Map.of(id, 7L),
            NOW);
    ReplicaTrust.Screened fresh =
        trust.screen(List.of(upsert(1_001, NOW), upsert(1_000, NOW)), Map.of(), NOW);

    assertThat(stored.events().get(0)).isInstanceOf(Poison.class);
    assertThat(((Poison) stored.events().get(0)).reason())
        .isEqualTo("version 9000000000000000000 jumps more than 1000 past the stored version 7");
    assertThat(stored.events().get(1)).isInstanceOf(Upsert.class);
    assertThat(fresh.events())
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly("Poison", "Upsert");
    assertThat(stored.versionJumps() + fresh.versionJumps()).isEqualTo(2);
  }
}
