package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CanonicalUuidsTest {
  @Test
  @DisplayName("a contract with a uuid not bounded to 36 characters refuses to start the service")
  void unboundedUuidsFailTheStart() {
    JsonObject contract =
        new JsonObject(
            """
            {"paths": {"/things/{id}": {"get": {"parameters": [
              {"name": "id", "in": "path", "schema": {"type": "string", "format": "uuid"}},
              {"name": "after", "in": "query",
               "schema": {"type": "string", "format": "uuid", "maxLength": 36}}]}}},
             "components": {"schemas": {"Thing": {"properties": {
               "owner": {"type": "string", "format": "uuid", "maxLength": 45}}}}}}
            """);

    assertThatThrownBy(() -> CanonicalUuids.requireBounded(contract))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "[/paths//things/{id}/get/parameters/0/schema,"
                + " /components/schemas/Thing/properties/owner]");
  }

  @Test
  @DisplayName("bounded uuids pass")
  void boundedUuidsPass() {
    JsonObject contract =
        new JsonObject(
            """
            {"components": {"schemas": {"Id": {"type": "string", "format": "uuid", "maxLength": 36}}}}
            """);

    assertThatCode(() -> CanonicalUuids.requireBounded(contract)).doesNotThrowAnyException();
  }
}
