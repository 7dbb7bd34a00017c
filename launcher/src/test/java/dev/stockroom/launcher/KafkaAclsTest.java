package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.auth.Jwt;
import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.orders.OrdersService;
import dev.stockroom.users.UsersService;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The three services against a broker with exactly the KafkaUsers and ACLs of
 * k8s/infra/base/kafka-users.yaml: the ACLs are enough for every path the code takes (topic checks,
 * the transactional outbox relays, the replicas' groups, dead letters), and they refuse what a
 * service's credentials must not do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Kafka ACLs of the manifests, on a real broker")
class KafkaAclsTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<RunningService> running = new ArrayList<>();
  private final Map<String, String> pgUris = new HashMap<>();
  private AclBroker kafka;
  private String admin;
  private TestHttp users;
  private TestHttp inventory;
  private TestHttp orders;

  @BeforeAll
  void start() throws Exception {
    kafka = AclBroker.start();
    admin =
        Jwt.create(vertx, JwtConfig.hs256(JwtConfig.DEV_SECRET))
            .mint("acl-admin", List.of("admin"), Duration.ofMinutes(10));
    Map<String, String> usersEnv = env("users");
    running.add(TestServices.start(e -> UsersService.start(new Env(e)), usersEnv));
    String usersUrl = "http://localhost:" + usersEnv.get("HTTP_PORT");
    Map<String, String> inventoryEnv = env("inventory");
    inventoryEnv.put("USERS_URL", usersUrl);
    running.add(TestServices.start(e -> InventoryService.start(new Env(e)), inventoryEnv));
    Map<String, String> ordersEnv = env("orders");
    ordersEnv.put("USERS_URL", usersUrl);
    ordersEnv.put("INVENTORY_URL", "http://localhost:" + inventoryEnv.get("HTTP_PORT"));
    running.add(TestServices.start(e -> OrdersService.start(new Env(e)), ordersEnv));
    users = new TestHttp(Integer.parseInt(usersEnv.get("HTTP_PORT")));
    inventory = new TestHttp(Integer.parseInt(inventoryEnv.get("HTTP_PORT")));
    orders = new TestHttp(Integer.parseInt(ordersEnv.get("HTTP_PORT")));
  }

  private Map<String, String> env(String service) {
    Map<String, String> env = TestServices.env("acl_" + service);
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.broker.bootstrapServers());
    env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
    env.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
    env.put("KAFKA_SASL_USERNAME", "stockroom-" + service);
    env.put("KAFKA_SASL_PASSWORD", kafka.passwords.get("stockroom-" + service));
    pgUris.put(service, env.get("PG_URI"));
    return env;
  }

  @AfterAll
  void stop() {
    for (int i = running.size() - 1; i >= 0; i--) {
      TestServices.stop(running.get(i));
    }
    vertx.close();
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  @DisplayName(
      "with only these ACLs a new customer reaches both replicas, an order confirms, and its"
          + " event is published to orders.v1")
  void everyPathOfTheCodeIsAllowed() throws Exception {
    String customer = SystemCalls.createCustomer(users, admin);
    Eventually.assertWithin(
        Duration.ofSeconds(30),
        () -> {
          assertThat(
                  TestDb.count(
                      pgUris.get("inventory"),
                      "SELECT count(*) FROM user_replica WHERE id = '" + customer + "'"))
              .as("inventory's replica")
              .isEqualTo(1);
          assertThat(
                  TestDb.count(
                      pgUris.get("orders"),
                      "SELECT count(*) FROM customer_replica WHERE id = '" + customer + "'"))
              .as("orders' replica")
              .isEqualTo(1);
        });

    String sku = SystemCalls.createItem(inventory, admin, 5);
    String orderId = SystemCalls.placeOrder(orders, admin, customer, sku, 1, Map.of());
    Eventually.assertWithin(
        Duration.ofSeconds(30),
        () ->
            assertThat(orders.get("/orders/" + orderId, admin).json().getString("status"))
                .isEqualTo("CONFIRMED"));

    Map<String, Object> reader = new HashMap<>(AclBroker.admin());
    reader.put("bootstrap.servers", kafka.broker.bootstrapServers());
    reader.put("group.id", "acl-test-" + UUID.randomUUID());
    reader.put("auto.offset.reset", "earliest");
    reader.put("isolation.level", "read_committed");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(reader, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("orders.v1"));
      List<String> keys = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!keys.contains(orderId) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          keys.add(r.key());
        }
      }
      assertThat(keys).as("orders.v1, written by orders' transactional relay").contains(orderId);
    }
    // Operators read the dead letters with the service's own credentials, without a group.
    TestHttp.Reply parked = inventory.get("/admin/dlq", admin);
    assertThat(parked.status()).as(parked.toString()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "a service's credentials cannot forge another's events, read what it does not replicate,"
          + " or create topics")
  void whatTheAclsRefuse() {
    Map<String, Object> inventoryUser = kafka.as("stockroom-inventory");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(inventoryUser, new StringSerializer(), new StringSerializer())) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>("users.v1", "forged", "{}"))
                      .get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(AuthorizationException.class);
    }
    Map<String, Object> snoop = new HashMap<>(inventoryUser);
    snoop.put("group.id", "inventory-user_replica");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(snoop, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("orders.v1"));
      assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
          .isInstanceOf(AuthorizationException.class);
    }
    try (Admin asInventory = Admin.create(inventoryUser)) {
      assertThatThrownBy(
              () ->
                  asInventory
                      .createTopics(List.of(new NewTopic("users.v2", 1, (short) 1)))
                      .all()
                      .get(20, TimeUnit.SECONDS))
          .hasCauseInstanceOf(AuthorizationException.class);
      Set<String> visible;
      try {
        visible = asInventory.listTopics().names().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      assertThat(visible)
          .as("only the topics it may describe")
          .containsExactlyInAnyOrder("users.v1", "users.v1.inventory.dlq");
    }
  }
}
