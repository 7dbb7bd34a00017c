package dev.stockroom.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedPlanTest {
  private final SeedPlan plan = new SeedPlan(100, 60, 200, 1000, 50, 5, 100, 5, 10);

  @Test
  void countsWhatItCreates() {
    assertThat(plan.users()).isEqualTo(360);
    assertThat(plan.items()).isEqualTo(1000 + 50 + 5 + 5 + 200);
    assertThat(plan.restocks()).isEqualTo(1200);
    assertThat(plan.requests()).isEqualTo(360 + 1260 + 1200);
  }

  @Test
  void lowStockItemsStayBelowTheDefaultThresholdAndTheFirstPageHasManyStockers() {
    Set<Integer> firstPageStockers = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertThat(SeedPlan.lowQuantity(i)).isBetween(1, 4);
      if (SeedPlan.lowQuantity(i) == 1 && firstPageStockers.size() < 50) {
        firstPageStockers.add(plan.stockerOf(i));
      }
    }
    assertThat(firstPageStockers).hasSize(50);
  }

  @Test
  void probeItemsSortAfterEveryOtherLowStockItem() {
    assertThat(SeedPlan.probeSku(0)).isGreaterThan(SeedPlan.lowSku(999_999));
    assertThat(SeedPlan.probeSku(0)).isGreaterThan(SeedPlan.PROBE_SKU_PREFIX);
    String cursor =
        new String(Base64.getUrlDecoder().decode(SeedPlan.probeCursor()), StandardCharsets.UTF_8);
    assertThat(cursor).isEqualTo(SeedPlan.PROBE_QUANTITY + ":" + SeedPlan.PROBE_SKU_PREFIX);
    assertThat(SeedPlan.probeCursor()).matches("^[A-Za-z0-9_-]+$");
  }

  @Test
  void probeNamesCarryTheirSequence() {
    String name = SeedPlan.probeName(17, 12345);
    assertThat(name).startsWith(SeedPlan.PROBE_NAME_PREFIX);
    assertThat(SeedPlan.parseProbeName(name)).containsExactly(17, 12345);
    assertThat(SeedPlan.parseProbeName("Stocker 3")).isNull();
    assertThat(SeedPlan.parseProbeName("lagprobe-x-1")).isNull();
  }

  @Test
  void hotStockIsNinetyPercentOfTheDemand() {
    assertThat(SeedPlan.hotStockFor(600, 30, 5)).isEqualTo(3240);
    assertThat(SeedPlan.hotStockFor(1, 1, 5)).isEqualTo(1);
  }

  @Test
  void refusesMoreProbesThanOneReportPage() {
    assertThatThrownBy(() -> new SeedPlan(1, 1, 201, 1, 1, 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
