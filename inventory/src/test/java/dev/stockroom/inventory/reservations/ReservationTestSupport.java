package dev.stockroom.inventory.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;

/** A real inventory service for one test class, and the reservation calls made against it. */
final class ReservationTestSupport implements AutoCloseable {
  static final String ADMIN = TestTokens.admin();
  static final String SERVICE = TestTokens.service();

  final RunningService service;
  final TestHttp http;
  final String pgUri;

  private ReservationTestSupport(RunningService service, String pgUri) {
    this.service = service;
    this.http = new TestHttp(service.port());
    this.pgUri = pgUri;
  }

  static ReservationTestSupport start(String databasePrefix) {
    Map<String, String> env = TestServices.env(databasePrefix);
    env.put("PG_POOL_SIZE", "8");
    env.put("RESERVATION_SWEEP_INTERVAL", "PT0.2S");
    RunningService service = TestServices.start(e -> InventoryService.start(new Env(e)), env);
    return new ReservationTestSupport(service, env.get("PG_URI"));
  }

  @Override
  public void close() {
    TestServices.stop(service);
  }

  /** Creates an item with a unique sku starting with {@code prefix}; answers the sku. */
  String item(String prefix, long priceCents, int quantity) {
    String sku = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    Reply reply =
        http.post(
            "/items",
            ADMIN,
            new JsonObject()
                .put("sku", sku)
                .put("name", "Item " + prefix)
                .put("priceCents", priceCents)
                .put("quantity", quantity));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    return sku;
  }

  JsonObject stock(String sku) {
    return http.get("/items/" + sku, ADMIN).json();
  }

  /** A reservation body; {@code skuQuantity} alternates sku and quantity. */
  static JsonObject request(String id, int ttl, Object... skuQuantity) {
    JsonArray lines = new JsonArray();
    for (int i = 0; i < skuQuantity.length; i += 2) {
      lines.add(new JsonObject().put("sku", skuQuantity[i]).put("quantity", skuQuantity[i + 1]));
    }
    return new JsonObject().put("reservationId", id).put("lines", lines).put("ttlSeconds", ttl);
  }

  static JsonObject line(String sku, int quantity, String name, long unitPriceCents) {
    return new JsonObject()
        .put("sku", sku)
        .put("quantity", quantity)
        .put("name", name)
        .put("unitPriceCents", unitPriceCents);
  }

  Reply reserve(JsonObject body) {
    return http.post("/reservations", SERVICE, body);
  }

  Reply confirm(String id) {
    return http.post("/reservations/" + id + "/confirm", SERVICE, "");
  }

  Reply release(String id) {
    return http.delete("/reservations/" + id, SERVICE);
  }

  Reply giveBack(String id) {
    return http.post("/reservations/" + id + "/return", SERVICE, "");
  }
}
