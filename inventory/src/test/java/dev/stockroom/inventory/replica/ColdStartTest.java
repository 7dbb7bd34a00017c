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
import dev.stockroom.embedded.EmbeddedKafkaBroker.ClientListener;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.users.UsersService;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A cold start of the whole system")
class ColdStartTest {

  @Test
  @DisplayName(
      "inventory before users on a broker that auto-creates topics: users.v1 is still users' compacted topic")
  void consumerCreatesNoTopic() throws Exception {
    ClientListener autoCreating =
        new ClientListener("PLAINTEXT", Map.of("auto.create.topics.enable", "true"), Map.of());
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(null, 0, autoCreating);
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      String group = "inventory-cold-" + UUID.randomUUID();
      Map<String, String> inventoryEnv = TestServices.env("inventory_cold");
      inventoryEnv.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
      inventoryEnv.put("REPLICA_GROUP_ID", group);
      inventoryEnv.put("USERS_URL", "http://localhost:" + TestServices.freePort());
      RunningService inventory =
          TestServices.start(e -> InventoryService.start(new Env(e)), inventoryEnv);
      RunningService users = null;
      try {
        // The replica consumer has polled: it looked the topic up before anyone created it.
        Eventually.assertWithin(
            Duration.ofSeconds(20),
            () ->
                assertThat(groups(admin))
                    .as("inventory's consumer group has joined")
                    .contains(group));

        Map<String, String> usersEnv = TestServices.env("users_cold");
        usersEnv.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        usersEnv.put("WATERMARK_INTERVAL", "PT0.2S");
        usersEnv.put("OUTBOX_POLL_INTERVAL", "PT0.2S");
        users = TestServices.start(e -> UsersService.start(new Env(e)), usersEnv);

        // users is ready before its topics exist (it starts without Kafka and creates them in
        // the background), so the topic is awaited, not expected at once.
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, UsersService.TOPIC);
        Eventually.assertWithin(
            Duration.ofSeconds(20),
            () -> assertThat(cleanupPolicy(admin, topic)).isEqualTo("compact"));
        String id =
            new TestHttp(users.port())
                .post(
                    "/users",
                    TestTokens.admin(),
                    new JsonObject().put("name", "Cold Start").put("email", "cold@example.com"))
                .json()
                .getString("id");
        Eventually.assertWithin(
            Duration.ofSeconds(30),
            () ->
                assertThat(
                        TestDb.count(
                            inventoryEnv.get("PG_URI"),
                            "SELECT count(*) FROM user_replica WHERE id = '" + id + "'"))
                    .as("the consumer found the topic once users created it")
                    .isEqualTo(1));
      } finally {
        TestServices.stop(users);
        TestServices.stop(inventory);
      }
    }
  }

  private static List<String> groups(Admin admin) {
    try {
      return admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
          .map(ConsumerGroupListing::groupId)
          .toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String cleanupPolicy(Admin admin, ConfigResource topic) {
    try {
      return admin
          .describeConfigs(List.of(topic))
          .all()
          .get(10, TimeUnit.SECONDS)
          .get(topic)
          .get("cleanup.policy")
          .value();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("topic " + topic.name() + " not there yet", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
