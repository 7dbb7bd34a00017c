package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Scalar parameters checked without the library's round")
class ScalarParametersTest {

  @Test
  @DisplayName("accept only what the library accepts, as the same value, and leave the rest to it")
  void agreeWithTheLibrary(Vertx vertx) throws Exception {
    assertThat(ScalarParametersAgreement.check(vertx, "openapi/scalar-parameters.yaml"))
        .containsExactly(
            "scalars.id",
            "scalars.limit",
            "scalars.below",
            "scalars.after",
            "scalars.prefix",
            "scalars.budget",
            "scalars.token");
  }
}
