package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Text PostgreSQL cannot store, in a JSON body")
class StorableTextTest {

  @Test
  @DisplayName("a NUL is found wherever it is escaped, in a value or a key")
  void nul() {
    assertThat(storable(new JsonObject().put("name", "a\u0000b").encode())).isFalse();
    assertThat(storable(new JsonObject().put("\u0000", 1).encode())).isFalse();
    assertThat(storable("{\"a\":\"\\\\\\u0000\"}"))
        .as("an escaped backslash, then a NUL")
        .isFalse();
    assertThat(storable("[\"\\u0000\"]")).isFalse();
  }

  @Test
  @DisplayName("half of a surrogate pair is found: a lone high or low one, or two highs")
  void loneSurrogates() {
    assertThat(storable("{\"a\":\"x\\ud800y\"}")).as("high, then a letter").isFalse();
    assertThat(storable("{\"a\":\"x\\uD800\"}")).as("high, then the string's end").isFalse();
    assertThat(storable("{\"a\":\"\\udc00\"}")).as("low alone").isFalse();
    assertThat(storable("{\"a\":\"\\ud800\\ud800\\udc00\"}")).as("two highs").isFalse();
    assertThat(storable("{\"a\":\"\\ud800\\n\"}")).as("high, then another escape").isFalse();
  }

  @Test
  @DisplayName("storable text passes: pairs, other escapes, and the text \\u0000 itself")
  void storableText() {
    assertThat(storable(new JsonObject().put("name", "\\u0000 is how JSON writes NUL").encode()))
        .as("a backslash in the text, escaped")
        .isTrue();
    assertThat(storable("{\"a\":\"\\ud83d\\ude00 \\uD83D\\uDE00\"}")).as("pairs").isTrue();
    assertThat(storable(new JsonObject().put("a", "😀 é \t \"").encode())).isTrue();
    assertThat(storable("{\"a\":\"\\u0001\\u1000\\u00e9\\n\"}")).isTrue();
    assertThat(storable("{\"a\":\"u0000\"}")).isTrue();
    assertThat(storable("{\"a\":\"\\u000")).as("cut short: the decoder's to refuse").isTrue();
    assertThat(storable("")).isTrue();
  }

  private static boolean storable(String json) {
    return StorableText.storable(Buffer.buffer(json));
  }
}
