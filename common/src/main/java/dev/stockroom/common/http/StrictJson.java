package dev.stockroom.common.http;

import com.fasterxml.jackson.core.JsonParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Vert.x's JSON codec with duplicate keys refused. By default the last of two equal keys wins,
 * silently: an order body with two {@code customerId}s would be placed for the second one, although
 * the contract's validator and a reviewer may have read the first. A duplicate is now a {@link
 * DecodeException}, which every service answers with 400. Registered as the {@link JsonFactory}
 * service, so it applies to everything that parses JSON through Vert.x, the contract's validator
 * included.
 */
public final class StrictJson implements JsonFactory {
  private static final JsonCodec CODEC = new Codec();

  @Override
  public int order() {
    return 0;
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }

  private static final class Codec extends JacksonCodec {
    @Override
    public <T> T fromString(String json, Class<T> type) throws DecodeException {
      return fromParser(strict(createParser(json)), type);
    }

    @Override
    public <T> T fromBuffer(Buffer json, Class<T> type) throws DecodeException {
      return fromParser(strict(createParser(json)), type);
    }

    @Override
    public Object fromString(String json) throws DecodeException {
      return fromString(json, Object.class);
    }

    @Override
    public Object fromBuffer(Buffer json) throws DecodeException {
      return fromBuffer(json, Object.class);
    }

    private static JsonParser strict(JsonParser parser) {
      return parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
  }
}
