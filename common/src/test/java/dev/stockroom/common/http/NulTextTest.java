package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A NUL character in a JSON body")
class NulTextTest {

  @Test
  @DisplayName("is found wherever it is escaped, in a value or a key")
  void found() {
    assertThat(nul(new JsonObject().put("name", "a\u0000b").encode())).isTrue();
    assertThat(nul(new JsonObject().put("\u0000", 1).encode())).isTrue();
    assertThat(nul("{\"a\":\"\\\\\\u0000\"}")).as("an escaped backslash, then a NUL").isTrue();
    assertThat(nul("[\"\\u0000\"]")).isTrue();
  }

  @Test
  @DisplayName("is not mistaken for the text \\u0000 or other escapes")
  void notMistaken() {
    assertThat(nul(new JsonObject().put("name", "\\u0000 is how JSON writes NUL").encode()))
        .as("a backslash in the text, escaped")
        .isFalse();
    assertThat(nul("{\"a\":\"\\u0001\\u1000\\u00e9\"}")).isFalse();
    assertThat(nul("{\"a\":\"u0000\"}")).isFalse();
    assertThat(nul("{\"a\":\"\\u000")).as("cut short").isFalse();
    assertThat(nul("")).isFalse();
  }

  private static boolean nul(String json) {
    return NulText.containsEscapedNul(Buffer.buffer(json));
  }
}
