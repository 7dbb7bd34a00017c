package dev.stockroom.common.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Vert.x's JSON codec with duplicate keys refused. By default the last of two equal keys wins,
 * silently: an order body with two {@code customerId}s would be placed for the second one, although
 * the contract's validator and a reviewer may have read the first. A duplicate is now a {@link
 * DecodeException}, which every service answers with 400; so is a number a double would round to a
 * whole number it is not ({@link ExactWholeNumbers}). Registered as the {@link JsonFactory}
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
      return new ExactWholeNumbers(parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
    }
  }

  /**
   * A number with a fraction or an exponent is read as a double, and the contract's validator takes
   * a whole double as an integer: {@code 0.99999999999999999} was a restock of 1 unit, {@code
   * 1e-400} a credit limit of 0. A literal the double rounds to a whole number it is not is refused
   * as undecodable (a 400); {@code 1.0} and {@code 1e3} are whole as written and read as before.
   */
  private static final class ExactWholeNumbers extends JsonParserDelegate {
    ExactWholeNumbers(JsonParser parser) {
      super(parser);
    }

    @Override
    public Number getNumberValue() throws IOException {
      Number number = super.getNumberValue();
      if (number instanceof Double d && !d.isInfinite() && d % 1 == 0 && !exactly(d)) {
        throw new JsonParseException(
            this, "the number " + getText() + " is not the whole number a double would read");
      }
      return number;
    }

    /**
     * Whether the literal is {@code d}; an exponent no BigDecimal holds (1e-99999999999) is not.
     */
    private boolean exactly(double d) throws IOException {
      try {
        return getDecimalValue().compareTo(new BigDecimal(d)) == 0;
      } catch (NumberFormatException | ArithmeticException e) {
        return false;
      }
    }
  }
}
