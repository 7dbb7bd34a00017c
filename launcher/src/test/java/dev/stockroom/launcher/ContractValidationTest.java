package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.http.SchemaFuzz;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The services' own contracts under the platform's request validators: for every parameter and
 * request body of each, thousands of generated values, valid, nearly valid and wrong, each answered
 * without an exception (an exception there is a 500 for bad input).
 */
class ContractValidationTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"openapi/users.yaml", "openapi/inventory.yaml", "openapi/orders.yaml"})
  @DisplayName("every request schema answers every generated value, valid or invalid, never throws")
  void everyValueGetsAnAnswer(String contract) {
    List<SchemaFuzz.Outcome> outcomes = SchemaFuzz.check(contract, 42, 2000);
    assertThat(outcomes).isNotEmpty();
    for (SchemaFuzz.Outcome o : outcomes) {
      assertThat(o.crashes()).as(o.where()).isEmpty();
      assertThat(o.valid()).as("%s: valid values generated", o.where()).isPositive();
      assertThat(o.invalid()).as("%s: invalid values generated", o.where()).isPositive();
    }
  }
}
