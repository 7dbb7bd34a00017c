package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SchemaFuzzTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName(
      "the platform's request validators answer every generated value, valid or not, without"
          + " throwing (an empty email made the schema library throw: a 500)")
  void everyValueGetsAnAnswer() {
    List<SchemaFuzz.Outcome> outcomes =
        SchemaFuzz.check(vertx, "openapi/platform-test.yaml", 17, 3000);
    assertThat(outcomes).isNotEmpty();
    for (SchemaFuzz.Outcome o : outcomes) {
      assertThat(o.crashes()).as(o.where()).isEmpty();
      assertThat(o.valid()).as("%s: valid values generated", o.where()).isPositive();
      assertThat(o.invalid()).as("%s: invalid values generated", o.where()).isPositive();
    }
  }
}
