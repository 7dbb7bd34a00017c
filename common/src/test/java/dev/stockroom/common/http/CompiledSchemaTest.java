package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CompiledSchemaTest {
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
      "on the test contract's request schemas, every value the compiled schema vouches for is"
          + " valid to the library, and it vouches for most of what the library accepts")
  void agreesWithTheLibrary() {
    List<SchemaAgreement.Outcome> outcomes =
        SchemaAgreement.check(vertx, "openapi/platform-test.yaml", 17, 3000);
    assertThat(outcomes).isNotEmpty().allMatch(SchemaAgreement.Outcome::compiled);
    outcomes.forEach(
        o -> {
          assertThat(o.disagreements()).as(o.where()).isEmpty();
          assertThat(o.vouched()).as(o.where()).isGreaterThan(o.libraryValid() / 2);
        });
  }

  @Test
  @DisplayName("a keyword it does not cover leaves the whole schema to the library")
  void unknownKeywordsAreNotCompiled() {
    JsonObject string = new JsonObject().put("type", "string");
    assertThat(CompiledSchema.compile(string)).isPresent();
    for (String keyword : List.of("oneOf", "anyOf", "allOf", "not", "$ref", "uniqueItems")) {
      JsonObject with = string.copy().put(keyword, new JsonArray().add(string));
      assertThat(CompiledSchema.compile(with)).as(keyword).isEmpty();
    }
    assertThat(CompiledSchema.compile(new JsonObject().put("format", "int32"))).isEmpty();
    assertThat(
            CompiledSchema.compile(
                new JsonObject()
                    .put("type", "object")
                    .put("properties", new JsonObject().put("a", string.copy().put("if", true)))))
        .isEmpty();
  }

  @Test
  @DisplayName("it vouches only for what certainly holds: the rest is 'ask the library'")
  void vouchesConservatively() {
    CompiledSchema quantity =
        CompiledSchema.compile(
                new JsonObject().put("type", "integer").put("minimum", 1).put("maximum", 1000))
            .orElseThrow();
    assertThat(quantity.accepts(5)).isTrue();
    assertThat(quantity.accepts(5L)).isTrue();
    assertThat(quantity.accepts(0)).isFalse();
    assertThat(quantity.accepts(5.0)).as("an integral double: the library decides").isFalse();
    assertThat(quantity.accepts("5")).isFalse();
    CompiledSchema name =
        CompiledSchema.compile(
                new JsonObject().put("type", "string").put("maxLength", 2).put("pattern", "\\S"))
            .orElseThrow();
    assertThat(name.accepts("😀😀")).as("two code points").isTrue();
    assertThat(name.accepts("😀😀😀")).isFalse();
    assertThat(name.accepts("  ")).isFalse();
  }
}
