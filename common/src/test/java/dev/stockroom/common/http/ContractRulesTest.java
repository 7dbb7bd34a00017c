package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ContractRulesTest {
  @Test
  @DisplayName(
      "a contract with a uuid not bounded to 36 characters, or a pattern whose $ lets a trailing"
          + " newline in, refuses to start the service")
  void looseSchemasFailTheStart() {
    JsonObject contract =
        new JsonObject(
            """
            {"paths": {"/things/{id}": {"get": {"parameters": [
              {"name": "id", "in": "path", "schema": {"type": "string", "format": "uuid"}},
              {"name": "after", "in": "query",
               "schema": {"type": "string", "format": "uuid", "maxLength": 36}},
              {"name": "code", "in": "query", "schema": {"type": "string", "pattern": "^[A-Z]{2}$"}}
              ]}}},
             "components": {"schemas": {"Thing": {"properties": {
               "owner": {"type": "string", "format": "uuid", "maxLength": 45}}}}}}
            """);

    assertThatThrownBy(() -> ContractRules.require(contract))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "format: uuid without maxLength: 36 at /paths//things/{id}/get/parameters/0/schema,"
                + " format: uuid without maxLength: 36 at"
                + " /components/schemas/Thing/properties/owner,"
                + " pattern ending in $ without (?!\\n) before it at"
                + " /paths//things/{id}/get/parameters/2/schema");
  }

  @Test
  @DisplayName(
      "bounded uuids and strictly anchored patterns pass, and the anchor does what it says")
  void strictSchemasPass() {
    JsonObject contract =
        new JsonObject(
            """
            {"components": {"schemas": {
              "Id": {"type": "string", "format": "uuid", "maxLength": 36},
              "Code": {"type": "string", "pattern": "^[A-Z]{2}(?!\\\\n)$"},
              "Name": {"type": "string", "pattern": "\\\\S"}}}}
            """);

    assertThatCode(() -> ContractRules.require(contract)).doesNotThrowAnyException();
    // As the schema library matches a pattern: find().
    Pattern loose = Pattern.compile("^[A-Z]{2}$");
    Pattern strict = Pattern.compile("^[A-Z]{2}(?!\\n)$");
    org.assertj.core.api.Assertions.assertThat(loose.matcher("US\n").find()).isTrue();
    org.assertj.core.api.Assertions.assertThat(strict.matcher("US\n").find()).isFalse();
    org.assertj.core.api.Assertions.assertThat(strict.matcher("US").find()).isTrue();
  }
}
