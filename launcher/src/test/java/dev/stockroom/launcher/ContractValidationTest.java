package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.http.ScalarParametersAgreement;
import dev.stockroom.common.http.SchemaFuzz;
import io.vertx.core.Vertx;
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

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"openapi/users.yaml", "openapi/inventory.yaml", "openapi/orders.yaml"})
  @DisplayName("scalar parameters checked without the library accept only what the library does")
  void scalarFastPathAgreesWithTheLibrary(String contract) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      List<String> covered = ScalarParametersAgreement.check(vertx, contract);
      assertThat(covered).isNotEmpty();
      if (contract.contains("inventory")) {
        assertThat(covered)
            .contains("lowStock.below", "lowStock.limit", "lowStock.after", "lowStock.stocker");
      }
    } finally {
      vertx.close().await();
    }
  }
}
