package dev.stockroom.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  private final Path root = Path.of("/tmp/stockroom");

  @Test
  void quickIsShorterThanFull() {
    BenchOptions full = BenchOptions.parse(root);
    BenchOptions quick = BenchOptions.parse(root, "--quick");
    assertThat(full.mode()).isEqualTo("full");
    assertThat(quick.mode()).isEqualTo("quick");
    assertThat(quick.i("reportSeconds")).isLessThan(full.i("reportSeconds"));
    assertThat(full.i("reportSeconds")).isEqualTo(60);
    assertThat(full.d("reportRate")).isEqualTo(5000);
    assertThat(full.output()).isEqualTo(root.resolve("BENCHMARKS.md"));
  }

  @Test
  void overridesAreCheckedAndRepeatedInTheCommand() {
    BenchOptions o = BenchOptions.parse(root, "--quick", "--reportRate=3000", "--strict");
    assertThat(o.d("reportRate")).isEqualTo(3000);
    assertThat(o.strict()).isTrue();
    assertThat(o.command())
        .isEqualTo("loadtest/run-benchmarks.sh --quick --reportRate=3000 --strict");
    assertThatThrownBy(() -> BenchOptions.parse(root, "--reportRat=1"))
        .hasMessageContaining("Unknown option: '--reportRat=1'")
        .hasMessageContaining("did you mean --reportRate");
    // A number where the default is one is checked before anything starts.
    assertThatThrownBy(() -> BenchOptions.parse(root, "--closedSeconds=ten"))
        .hasMessageContaining("--closedSeconds")
        .hasMessageContaining("'ten'");
    assertThat(BenchOptions.parse(root, "--serviceXmx=128m", "--only=closed,lag").s("only"))
        .isEqualTo("closed,lag");
  }

  @Test
  void hotStockFollowsTheContentionRun() {
    BenchOptions o = BenchOptions.parse(root, "--orderRate=100", "--orderSeconds=10", "--hot=2");
    assertThat(o.seedPlan().hotStock()).isEqualTo(450);
  }
}
