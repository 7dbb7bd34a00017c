package dev.stockroom.orders;

import static dev.stockroom.orders.OrdersFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestTopics;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The whole system without Kafka")
class WithoutKafkaTest {

  @Test
  @DisplayName(
      "all three services start and take orders while the broker is down; events flow once it is up")
  void ordersWithoutABroker() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(null, 0);
    broker.stop();
    try (OrdersFixture system =
        new OrdersFixture(Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()), Map.of())) {
      String gil = system.customer("Gil Brokerless", 5_000);
      system.item("NOKAFKA-1", 3, 250);

      // The customer is unknown to orders' copy: the saga asks users directly.
      Reply placed = system.place(gil, "k-nokafka", order(gil, "NOKAFKA-1", 2));
      assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
      assertThat(placed.json().getString("status")).isEqualTo("CONFIRMED");
      String id = placed.json().getString("id");
      assertThat(kafkaState(system)).startsWith("waiting");

      broker.restart();
      Eventually.assertWithin(
          Duration.ofSeconds(40),
          () ->
              assertThat(
                      TestDb.count(
                          system.inventoryEnv.get("PG_URI"),
                          "SELECT count(*) FROM user_replica WHERE id = '" + gil + "'"))
                  .as("users' outbox reached inventory's copy")
                  .isEqualTo(1));
      Eventually.assertWithin(
          Duration.ofSeconds(40), () -> assertThat(kafkaState(system)).isEqualTo("up"));
      try (TestTopics topic = new TestTopics(OrdersService.TOPIC, broker.bootstrapServers())) {
        topic.readUntil(
            Duration.ofSeconds(20), rs -> rs.stream().anyMatch(r -> id.equals(r.key())));
      }
    } finally {
      broker.close();
    }
  }

  private static String kafkaState(OrdersFixture system) {
    return system
        .ordersHttp
        .get("/health/ready", null)
        .json()
        .getJsonObject("checks")
        .getString("kafka");
  }
}
