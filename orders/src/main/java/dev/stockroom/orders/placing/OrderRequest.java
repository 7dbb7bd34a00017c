package dev.stockroom.orders.placing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** A validated order request and its fingerprint (to tell a replay from a different request). */
public record OrderRequest(
    UUID customerId, JsonArray lines, JsonObject shippingAddress, String fingerprint) {

  static OrderRequest from(JsonObject body) {
    JsonArray lines = new JsonArray();
    body.getJsonArray("lines")
        .forEach(
            l ->
                lines.add(
                    new JsonObject()
                        .put("sku", ((JsonObject) l).getString("sku"))
                        .put("quantity", ((JsonObject) l).getInteger("quantity"))));
    JsonObject address = body.getJsonObject("shippingAddress");
    JsonObject canonical =
        new JsonObject()
            // As parsed: the contract's uuid format takes capitals too, and a retry in capitals is
            // the same request (it was a 422 "key reused").
            .put("customerId", UUID.fromString(body.getString("customerId")).toString())
            .put("lines", lines)
            .put(
                "shippingAddress",
                new JsonObject()
                    .put("line1", address.getString("line1"))
                    .put("city", address.getString("city"))
                    .put("postalCode", address.getString("postalCode"))
                    .put("country", address.getString("country")));
    return new OrderRequest(
        UUID.fromString(body.getString("customerId")),
        lines,
        canonical.getJsonObject("shippingAddress"),
        sha256(canonical.encode()));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
