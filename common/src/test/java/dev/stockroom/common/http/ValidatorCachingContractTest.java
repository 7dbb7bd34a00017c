package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Parameter validators")
class ValidatorCachingContractTest {

  @Test
  @DisplayName("are built once per schema, where the library builds one per request")
  void builtOncePerSchema(Vertx vertx) throws Exception {
    OpenAPIContract parsed =
        OpenAPIContract.from(vertx, "openapi/platform-test.yaml")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    Parameter limit =
        parsed.operation("getThing").getParameters().stream()
            .filter(p -> p.getName().equals("limit"))
            .findFirst()
            .orElseThrow();
    JsonSchema schema = limit.getSchema();
    assertThat(parsed.getSchemaRepository().validator(schema))
        .as("the library's own repository builds a new validator each time")
        .isNotSameAs(parsed.getSchemaRepository().validator(schema));

    OpenAPIContract cached = new ValidatorCachingContract(parsed);
    var first = cached.getSchemaRepository().validator(schema);
    assertThat(cached.getSchemaRepository().validator(schema)).isSameAs(first);
    assertThat(first.validate(5).getValid()).isTrue();
    assertThat(first.validate(11).getValid()).isFalse();
    assertThat(cached.operation("getThing").getParameters()).hasSize(2);
    assertThat(cached.getRawContract()).isInstanceOf(JsonObject.class);
  }
}
