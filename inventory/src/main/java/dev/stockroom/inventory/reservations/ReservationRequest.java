package dev.stockroom.inventory.reservations;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A reservation request in canonical form: duplicate skus merged by summing, lines sorted by sku.
 * The body was validated against the contract before it gets here.
 */
public record ReservationRequest(
    String reservationId, SortedMap<String, Integer> lines, int ttlSeconds) {

  public ReservationRequest {
    lines = new TreeMap<>(lines);
  }

  public static ReservationRequest from(JsonObject body) {
    SortedMap<String, Integer> merged = new TreeMap<>();
    body.getJsonArray("lines").stream()
        .map(JsonObject.class::cast)
        .forEach(l -> merged.merge(l.getString("sku"), l.getInteger("quantity"), Integer::sum));
    return new ReservationRequest(
        body.getString("reservationId"), merged, body.getInteger("ttlSeconds"));
  }

  /** The skus in sorted order: the order the item rows are locked in. */
  String[] skus() {
    return lines.keySet().toArray(String[]::new);
  }

  /** The quantities, aligned with {@link #skus()}. */
  Integer[] quantities() {
    return lines.values().toArray(Integer[]::new);
  }

  /** Equal for requests that would make the same reservation, whatever their line order. */
  public String fingerprint() {
    StringBuilder canonical = new StringBuilder("ttl=").append(ttlSeconds);
    for (Map.Entry<String, Integer> line : lines.entrySet()) {
      canonical.append(';').append(line.getKey()).append('=').append(line.getValue());
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
