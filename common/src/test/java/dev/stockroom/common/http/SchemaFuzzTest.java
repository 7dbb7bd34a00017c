package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SchemaFuzzTest {
  @Test
  @DisplayName(
      "the platform's request validators answer every generated value, valid or not, without"
          + " throwing (an empty email made the schema library throw: a 500)")
  void everyValueGetsAnAnswer() {
    List<SchemaFuzz.Outcome> outcomes = SchemaFuzz.check("openapi/platform-test.yaml", 17, 3000);
    assertThat(outcomes).isNotEmpty();
    for (SchemaFuzz.Outcome o : outcomes) {
      assertThat(o.crashes()).as(o.where()).isEmpty();
      assertThat(o.valid()).as("%s: valid values generated", o.where()).isPositive();
      assertThat(o.invalid()).as("%s: invalid values generated", o.where()).isPositive();
    }
  }
}
