package dev.stockroom.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FaultyHttpProxy;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.users.UsersService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The three real services side by side, each with its own database, as in production. orders
 * reaches inventory and users through proxies that can delay, drop or refuse answers on command.
 */
final class OrdersFixture implements AutoCloseable {
  static final String ADMIN = TestTokens.admin();

  final Map<String, String> usersEnv = TestServices.env("users");
  final Map<String, String> inventoryEnv = TestServices.env("inventory");
  final Map<String, String> ordersEnv = TestServices.env("orders");
  RunningService users;
  RunningService inventory;
  RunningService orders;
  final TestHttp usersHttp;
  final TestHttp inventoryHttp;
  final TestHttp ordersHttp;
  final FaultyHttpProxy toInventory;
  final FaultyHttpProxy toUsers;

  OrdersFixture(Map<String, String> ordersOverrides) {
    this(Map.of(), ordersOverrides);
  }

  /** With {@code everyService} in each service's environment (e.g. a broker of the test's own). */
  OrdersFixture(Map<String, String> everyService, Map<String, String> ordersOverrides) {
    usersEnv.putAll(everyService);
    inventoryEnv.putAll(everyService);
    ordersEnv.putAll(everyService);
    usersEnv.put("USERS_TOPIC_PARTITIONS", "3");
    usersEnv.put("WATERMARK_INTERVAL", "PT0.2S");
    usersEnv.put("OUTBOX_POLL_INTERVAL", "PT0.2S");
    usersEnv.put("CREDIT_HOLD_SWEEP_INTERVAL", "PT0.2S");
    inventoryEnv.put("RESERVATION_SWEEP_INTERVAL", "PT0.2S");
    users = startUsers();
    usersHttp = new TestHttp(users.port());
    inventoryEnv.put("USERS_URL", url(users));
    inventoryEnv.put("REPLICA_GROUP_ID", "inventory-" + UUID.randomUUID());
    inventory = startInventory();
    inventoryHttp = new TestHttp(inventory.port());
    toUsers = FaultyHttpProxy.to(users.port());
    toInventory = FaultyHttpProxy.to(inventory.port());
    ordersEnv.put("USERS_URL", toUsers.url());
    ordersEnv.put("INVENTORY_URL", toInventory.url());
    ordersEnv.put("REPLICA_GROUP_ID", "orders-" + UUID.randomUUID());
    ordersEnv.put("ORDER_SAGA_POLL_INTERVAL", "PT0.1S");
    ordersEnv.put("ORDER_CALL_TIMEOUT", "PT1S");
    ordersEnv.put("PG_POOL_SIZE", "8");
    // A fault a test injects opens a breaker; at its default 5 s before trying again, each such
    // test waited seconds after its fault was over.
    ordersEnv.put("BREAKER_RESET", "PT0.5S");
    ordersEnv.putAll(ordersOverrides);
    // Picked only now: the proxies above took ports of their own, maybe the one picked before.
    ordersEnv.put("HTTP_PORT", Integer.toString(TestServices.freePort()));
    orders = startOrders();
    ordersHttp = new TestHttp(orders.port());
  }

  RunningService startUsers() {
    return TestServices.start(e -> UsersService.start(new Env(e)), usersEnv);
  }

  RunningService startInventory() {
    return TestServices.start(e -> InventoryService.start(new Env(e)), inventoryEnv);
  }

  RunningService startOrders() {
    return TestServices.start(e -> OrdersService.start(new Env(e)), ordersEnv);
  }

  /** Stops orders in order (verticles, then the pool), whatever its sagas are doing. */
  void stopOrders() {
    TestServices.stop(orders);
  }

  /** orders again, on the same port and database: it resumes the sagas it left. */
  void restartOrders() {
    orders = startOrders();
  }

  private static String url(RunningService service) {
    return "http://localhost:" + service.port();
  }

  String customer(String name, long creditCents) {
    Reply reply =
        usersHttp.post(
            "/users",
            ADMIN,
            new JsonObject()
                .put("name", name)
                .put(
                    "email",
                    name.toLowerCase().replace(' ', '.') + "." + UUID.randomUUID() + "@example.com")
                .put("creditLimitCents", creditCents));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    return reply.json().getString("id");
  }

  void item(String sku, int quantity, long priceCents) {
    Reply reply =
        inventoryHttp.post(
            "/items",
            ADMIN,
            new JsonObject()
                .put("sku", sku)
                .put("name", "Item " + sku)
                .put("priceCents", priceCents)
                .put("quantity", quantity));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
  }

  JsonObject itemState(String sku) {
    return inventoryHttp.get("/items/" + sku, ADMIN).json();
  }

  long availableCredit(String customerId) {
    return usersHttp.get("/users/" + customerId, ADMIN).json().getLong("availableCreditCents");
  }

  static JsonObject order(String customerId, Object... skuAndQuantity) {
    JsonArray lines = new JsonArray();
    for (int i = 0; i < skuAndQuantity.length; i += 2) {
      lines.add(
          new JsonObject().put("sku", skuAndQuantity[i]).put("quantity", skuAndQuantity[i + 1]));
    }
    return new JsonObject()
        .put("customerId", customerId)
        .put("lines", lines)
        .put(
            "shippingAddress",
            new JsonObject()
                .put("line1", "1 Main St")
                .put("city", "Springfield")
                .put("postalCode", "12345")
                .put("country", "US"));
  }

  Reply place(String customerId, String key, JsonObject body) {
    return ordersHttp.send(
        ordersHttp
            .request("/orders", TestTokens.forRoles(customerId, "customer"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.encode()))
            .build());
  }

  /** Until orders' copy of users holds the customer. */
  void awaitCustomerCopied(String customerId) {
    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () ->
            assertThat(
                    TestDb.count(
                        ordersEnv.get("PG_URI"),
                        "SELECT count(*) FROM customer_replica WHERE id = '" + customerId + "'"))
                .isEqualTo(1));
  }

  JsonObject read(String orderId) {
    return ordersHttp.get("/orders/" + orderId, ADMIN).json();
  }

  @Override
  public void close() {
    TestServices.stop(orders);
    TestServices.stop(inventory);
    TestServices.stop(users);
    toInventory.close();
    toUsers.close();
  }

  static Map<String, String> overrides(String... pairs) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
