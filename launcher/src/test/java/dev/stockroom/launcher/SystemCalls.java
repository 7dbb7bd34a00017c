package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.TestHttp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.UUID;

/** What the launcher's whole-system tests do to the running services, and their free ports. */
final class SystemCalls {
  private SystemCalls() {}

  /**
   * Places an order of {@code quantity} × {@code sku} for {@code customer} with a fresh
   * Idempotency-Key (and {@code headers}, e.g. a traceparent); answers the order's id.
   */
  static String placeOrder(
      TestHttp orders,
      String token,
      String customer,
      String sku,
      int quantity,
      Map<String, String> headers) {
    JsonObject order =
        new JsonObject()
            .put("customerId", customer)
            .put(
                "lines",
                new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", quantity)))
            .put(
                "shippingAddress",
                new JsonObject()
                    .put("line1", "1 Test Road")
                    .put("city", "Leeds")
                    .put("postalCode", "LS1 1AA")
                    .put("country", "GB"));
    HttpRequest.Builder request =
        orders
            .request("/orders", token)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "test-" + UUID.randomUUID())
            .POST(HttpRequest.BodyPublishers.ofString(order.encode()));
    headers.forEach(request::header);
    TestHttp.Reply placed = orders.send(request.build());
    assertThat(placed.status()).as(placed.toString()).isIn(201, 202);
    return placed.json().getString("id");
  }

  /** A customer with credit; answers the id. */
  static String createCustomer(TestHttp users, String adminToken) {
    TestHttp.Reply created =
        users.post(
            "/users",
            adminToken,
            new JsonObject()
                .put("name", "Test Customer")
                .put("email", "customer-" + UUID.randomUUID() + "@example.com")
                .put("creditLimitCents", 100_000));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().getString("id");
  }

  /** An item of {@code quantity} at 1 € to 2.50 €; answers its sku. */
  static String createItem(TestHttp inventory, String adminToken, int quantity) {
    String sku = "TEST-" + UUID.randomUUID().toString().substring(0, 8);
    TestHttp.Reply item =
        inventory.post(
            "/items",
            adminToken,
            new JsonObject()
                .put("sku", sku)
                .put("name", "Test item")
                .put("priceCents", 250)
                .put("quantity", quantity)
                .put("lowStockThreshold", 1));
    assertThat(item.status()).as(item.toString()).isEqualTo(201);
    return sku;
  }
}
