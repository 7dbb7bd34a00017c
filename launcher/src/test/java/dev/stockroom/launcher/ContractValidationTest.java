package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.http.SchemaAgreement;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The services' own contracts under the platform's compiled request schemas: for every parameter
 * and request body of each, generated values valid, nearly valid and wrong; whatever the compiled
 * schema lets through without the library must be valid to the library, and the fast path must
 * actually be taken (it vouches for most of what the library accepts).
 */
class ContractValidationTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"openapi/users.yaml", "openapi/inventory.yaml", "openapi/orders.yaml"})
  @DisplayName(
      "every value a compiled request schema vouches for is valid to the schema library, and the"
          + " compiled path covers the requests")
  void compiledSchemasAgreeWithTheLibrary(String contract) {
    List<SchemaAgreement.Outcome> outcomes = SchemaAgreement.check(vertx, contract, 42, 2000);
    assertThat(outcomes).isNotEmpty();
    for (SchemaAgreement.Outcome o : outcomes) {
      System.out.printf(
          "%-60s compiled=%s vouched=%d libraryValid=%d%n",
          o.where(), o.compiled(), o.vouched(), o.libraryValid());
      assertThat(o.disagreements()).as(o.where()).isEmpty();
    }
    assertThat(outcomes.stream().filter(o -> !o.compiled()).map(SchemaAgreement.Outcome::where))
        .as("request schemas left to the library alone")
        .isEmpty();
    for (SchemaAgreement.Outcome o : outcomes) {
      assertThat(o.vouched()).as(o.where()).isGreaterThan(o.libraryValid() / 2);
    }
  }
}
