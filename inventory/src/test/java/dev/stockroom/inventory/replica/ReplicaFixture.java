package dev.stockroom.inventory.replica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.inventory.ReportContract;
import dev.stockroom.users.UsersService;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real users service (the owner) and inventory (the copy) running side by side in a test. */
final class ReplicaFixture implements AutoCloseable {
  static final String ADMIN = TestTokens.admin();

  final Map<String, String> usersEnv;
  final Map<String, String> inventoryEnv;
  RunningService users;
  RunningService inventory;
  final TestHttp usersHttp;
  final TestHttp inventoryHttp;
  private final EmbeddedKafkaBroker broker;

  ReplicaFixture(Map<String, String> inventoryOverrides) {
    this(inventoryOverrides, null);
  }

  /**
   * Both services on {@code broker} instead of the shared one: for a test that stops Kafka. A
   * broker stopped while a producer was inside a transaction can keep that transaction open in
   * users.v1 for good, and every later consumer with read_committed then waits behind it (a CI run
   * had every replica test after such a stop fail); a private broker takes that state with it when
   * closed.
   */
  ReplicaFixture(Map<String, String> inventoryOverrides, EmbeddedKafkaBroker broker) {
    this(inventoryOverrides, Map.of(), broker);
  }

  /** With {@code usersOverrides} in users' environment too. */
  ReplicaFixture(
      Map<String, String> inventoryOverrides,
      Map<String, String> usersOverrides,
      EmbeddedKafkaBroker broker) {
    this.broker = broker;
    usersEnv = TestServices.env("users");
    if (broker != null) {
      usersEnv.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    }
    usersEnv.put("WATERMARK_INTERVAL", "PT0.2S");
    usersEnv.put("OUTBOX_POLL_INTERVAL", "PT0.2S");
    usersEnv.put("USERS_TOPIC_PARTITIONS", "3");
    usersEnv.putAll(usersOverrides);
    users = TestServices.start(e -> UsersService.start(new Env(e)), usersEnv);
    usersHttp = new TestHttp(users.port());
    inventoryEnv = TestServices.env("inventory");
    inventoryEnv.put("USERS_URL", "http://localhost:" + users.port());
    inventoryEnv.put("REPLICA_GROUP_ID", "inventory-test-" + UUID.randomUUID());
    if (broker != null) {
      inventoryEnv.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    }
    inventoryEnv.putAll(inventoryOverrides);
    inventory = TestServices.start(e -> InventoryService.start(new Env(e)), inventoryEnv);
    inventoryHttp = new TestHttp(inventory.port());
    awaitPipeline();
  }

  /**
   * Until a watermark has gone users → Kafka → inventory. The services start without waiting for
   * the broker; right after a test restarted the shared broker, its coordinators can take seconds
   * to answer, which is recovery time, not the propagation a test measures.
   */
  private void awaitPipeline() {
    Eventually.assertWithin(
        Duration.ofSeconds(60),
        () -> {
          JsonObject owner = usersHttp.get("/health/ready", null).json().getJsonObject("checks");
          JsonObject copy = inventoryHttp.get("/health/ready", null).json().getJsonObject("checks");
          assertThat(owner.getString("kafka")).isEqualTo("up");
          assertThat(owner.getString("outbox")).startsWith("publishing");
          // Caught up: a fresh consumer group first reads every earlier test's records, and a
          // partition's old watermark already says "freshness bound" while the rest is behind.
          String bound = copy.getString("replica user_replica");
          assertThat(bound).startsWith("freshness bound");
          assertThat(Double.parseDouble(bound.replaceAll("[^0-9.]", ""))).isLessThan(2.0);
        });
  }

  JsonObject registerUser(String name) {
    TestHttp.Reply reply =
        usersHttp.post(
            "/users",
            ADMIN,
            new JsonObject()
                .put("name", name)
                .put(
                    "email",
                    name.toLowerCase().replace(' ', '.') + "." + UUID.randomUUID() + "@example.com")
                .put("phone", "+1 555 0100"));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    return reply.json();
  }

  void createItem(String sku, int quantity) {
    TestHttp.Reply reply =
        inventoryHttp.post(
            "/items",
            ADMIN,
            new JsonObject()
                .put("sku", sku)
                .put("name", "Item " + sku)
                .put("priceCents", 250)
                .put("quantity", quantity)
                .put("lowStockThreshold", 5));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
  }

  /**
   * A row in the copy for a person the owner never had, copied an hour ago: what reconciliation
   * removes. Answers its id.
   */
  String ghost() {
    String ghost = UUID.randomUUID().toString();
    TestDb.execute(
        inventoryEnv.get("PG_URI"),
        "INSERT INTO user_replica (id, name, version, synced_at) VALUES ('"
            + ghost
            + "', 'Ghost', 1, now() - interval '1 hour')");
    return ghost;
  }

  TestHttp.Reply restock(String sku, String stockerId, int quantity) {
    return inventoryHttp.post(
        "/items/" + sku + "/restocks",
        TestTokens.forRoles(stockerId, "stocker"),
        new JsonObject().put("quantity", quantity));
  }

  /** The {@code lastStockedBy} of one item in a low-stock report answer. */
  static JsonObject stockerOf(TestHttp.Reply report, String sku) {
    return ReportContract.conforms(report).array("items").stream()
        .map(JsonObject.class::cast)
        .filter(i -> i.getString("sku").equals(sku))
        .findFirst()
        .orElseThrow()
        .getJsonObject("lastStockedBy");
  }

  /** GET /users calls the users service has answered (the batched fallback and paging). */
  long ownerListCalls() {
    String metrics = usersHttp.get("/metrics", null).body();
    Matcher m =
        Pattern.compile("(?m)^vertx_http_server_requests_total\\{([^}]*)} ([0-9.E]+)$")
            .matcher(metrics);
    long total = 0;
    while (m.find()) {
      String labels = m.group(1);
      if (labels.contains("method=\"GET\"") && labels.contains("route=\"/users\"")) {
        total += (long) Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  @Override
  public void close() {
    if (broker != null) {
      // Stopped with the broker away, each relay waits out its send (about 8 s a service);
      // ReplicaRebalanceTest.stopWithoutBroker measures that stop on purpose.
      broker.restart();
    }
    TestServices.stop(inventory);
    TestServices.stop(users);
  }
}
