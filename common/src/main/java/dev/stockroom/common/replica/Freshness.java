package dev.stockroom.common.replica;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import dev.stockroom.common.http.IsoInstants;
import dev.stockroom.common.http.JsonNames;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * How current a copied object is: where it came from ({@code replica}, {@code owner} just now, or
 * {@code none}: only the id is known), the time it is known current as of, and whether it is older
 * than the reader asked for (served anyway because the owner could not be reached).
 */
public record Freshness(String source, Instant asOf, boolean stale) {
  public static final String REPLICA = "replica";
  public static final String OWNER = "owner";
  public static final String NONE = "none";

  private static final SerializableString SOURCE = JsonNames.of("source");
  private static final SerializableString AS_OF = JsonNames.of("asOf");
  private static final SerializableString STALE = JsonNames.of("stale");

  /** Within budget: known current as of a time no older than {@code budget} before {@code now}. */
  public static boolean within(Instant asOf, Duration budget, Instant now) {
    return asOf != null && !budget.isZero() && !asOf.isBefore(now.minus(budget));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("source", source)
        .put("asOf", asOf == null ? null : asOf.toString())
        .put("stale", stale);
  }

  /** The same object as {@link #toJson()}, written straight into a streaming generator. */
  public void writeTo(JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeFieldName(SOURCE);
    json.writeString(source);
    json.writeFieldName(AS_OF);
    json.writeString(asOf == null ? null : IsoInstants.format(asOf));
    json.writeFieldName(STALE);
    json.writeBoolean(stale);
    json.writeEndObject();
  }
}
