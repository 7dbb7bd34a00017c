package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ContractRulesTest {
  @Test
  @DisplayName(
      "a contract with a uuid not bounded to 36 characters, or a pattern whose $ lets a final line"
          + " terminator in, refuses to start the service")
  void looseSchemasFailTheStart() {
    JsonObject contract =
        new JsonObject(
            """
            {"paths": {"/things/{id}": {"get": {"parameters": [
              {"name": "id", "in": "path", "schema": {"type": "string", "format": "uuid"}},
              {"name": "after", "in": "query",
               "schema": {"type": "string", "format": "uuid", "maxLength": 36}},
              {"name": "code", "in": "query", "schema": {"type": "string", "pattern": "^[A-Z]{2}$"}},
              {"name": "sku", "in": "query",
               "schema": {"type": "string", "pattern": "^[A-Z]{2}(?!\\\\n)$"}}
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
                + " pattern ending in $ (Java's $ lets a final line terminator in; end it with"
                + " (?![\\s\\S])) at /paths//things/{id}/get/parameters/2/schema,"
                + " pattern ending in $ (Java's $ lets a final line terminator in; end it with"
                + " (?![\\s\\S])) at /paths//things/{id}/get/parameters/3/schema");
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
              "Code": {"type": "string", "pattern": "^[A-Z]{2}(?![\\\\s\\\\S])"},
              "Price": {"type": "string", "pattern": "^[0-9]+\\\\$"},
              "Name": {"type": "string", "pattern": "\\\\S"}}}}
            """);

    assertThatCode(() -> ContractRules.require(contract)).doesNotThrowAnyException();
    // As the schema library matches a pattern: find(). Every line terminator Java's $ knows.
    Pattern loose = Pattern.compile("^[A-Z]{2}$");
    Pattern newlineOnly = Pattern.compile("^[A-Z]{2}(?!\\n)$");
    Pattern strict = Pattern.compile("^[A-Z]{2}(?![\\s\\S])");
    for (String end : List.of("\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029")) {
      assertThat(loose.matcher("US" + end).find()).as("$ before %s", escape(end)).isTrue();
      assertThat(strict.matcher("US" + end).find())
          .as("(?![\\s\\S]) before %s", escape(end))
          .isFalse();
    }
    assertThat(newlineOnly.matcher("US\r").find()).isTrue();
    assertThat(strict.matcher("US").find()).isTrue();
  }

  private static String escape(String s) {
    return s.chars().mapToObj(c -> String.format("\\u%04x", c)).reduce("", String::concat);
  }
}
