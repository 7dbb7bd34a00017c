package dev.stockroom.common.replica;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.stockroom.common.http.IsoInstants;
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
    json.writeStringField("source", source);
    json.writeStringField("asOf", asOf == null ? null : IsoInstants.format(asOf));
    json.writeBooleanField("stale", stale);
    json.writeEndObject();
  }
}
