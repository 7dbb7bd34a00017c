package dev.stockroom.orders;

import static dev.stockroom.orders.OrdersFixture.ADMIN;
import static dev.stockroom.orders.OrdersFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.replica.ConsistencyToken;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FaultyHttpProxy.Rule;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Orders that read the customer's own write")
class OrderConsistencyTest {
  private static final String SKU = "RYW-ORDER";

  @Test
  @DisplayName(
      "renamed at users just before ordering: with the token the order keeps the new name, without"
          + " it the copy's")
  void snapshotAtOrPastTheToken() {
    try (Renamed renamed = Renamed.withoutKafka("k-ryw")) {
      OrdersFixture system = renamed.system;
      // Without first: the owner's answer to the read with the token is written back.
      Reply without = place(system, renamed.quinn, "k-ryw-1", null);
      Reply withToken = place(system, renamed.quinn, "k-ryw-2", renamed.token);

      assertThat(withToken.status()).as(withToken.toString()).isEqualTo(201);
      assertThat(withToken.json().getJsonObject("customer").getString("name"))
          .isEqualTo("Quinn After");
      assertThat(
              withToken
                  .json()
                  .getJsonObject("customer")
                  .getJsonObject("freshness")
                  .getString("source"))
          .isEqualTo("owner");
      assertThat(without.json().getJsonObject("customer").getString("name"))
          .as("within its budget the copy is used as it is")
          .isEqualTo("Quinn Before");
    }
  }

  @Test
  @DisplayName(
      "with a token and users unreachable for a while: the order waits for users instead of"
          + " snapshotting the copy from before the write")
  void neverSnapshotsACopyBehindTheToken() {
    try (Renamed renamed = Renamed.withoutKafka("k-ryw-down")) {
      OrdersFixture system = renamed.system;
      Rule down =
          system.toUsers.on(HttpMethod.GET, "/users").answer(503).during(Duration.ofSeconds(3));

      Reply placed = place(system, renamed.quinn, "k-ryw-3", renamed.token);

      assertThat(placed.status()).as(placed.toString()).isIn(201, 202);
      String orderId = placed.json().getString("id");
      JsonObject finished =
          Eventually.waitFor(
              Duration.ofSeconds(25),
              () -> {
                JsonObject order = system.read(orderId);
                return order.getString("status").equals("PENDING") ? null : order;
              },
              "the saga to finish");
      assertThat(down.hits()).as("the lookup met the outage").isPositive();
      assertThat(finished.getString("status")).as(finished.encode()).isEqualTo("CONFIRMED");
      assertThat(finished.getJsonObject("customer").getString("name")).isEqualTo("Quinn After");
      assertThat(finished.getJsonObject("customer").getJsonObject("freshness").getBoolean("stale"))
          .isFalse();
    }
  }

  /** A customer copied into orders, Kafka then stopped, and the customer renamed at users. */
  private record Renamed(
      EmbeddedKafkaBroker kafka, OrdersFixture system, String quinn, String token)
      implements AutoCloseable {
    static Renamed withoutKafka(String sku) {
      // A broker of its own: one stopped while a producer was inside a transaction can keep it
      // open for good, and later read_committed consumers of the shared one would wait behind it.
      EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(null, 0);
      OrdersFixture system =
          new OrdersFixture(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), Map.of());
      String quinn = system.customer("Quinn Before", 5_000);
      system.item(SKU, 5, 100);
      system.awaitCustomerCopied(quinn);
      // Without Kafka orders' copy cannot move: only the token can tell it is behind.
      kafka.stop();
      Reply renamed =
          system.usersHttp.patch(
              "/users/" + quinn, ADMIN, new JsonObject().put("name", "Quinn After"), Map.of());
      return new Renamed(kafka, system, quinn, renamed.header(ConsistencyToken.HEADER));
    }

    @Override
    public void close() {
      // Stopped with the broker away, each relay waits out its send (about 8 s a service).
      kafka.restart();
      system.close();
      kafka.close();
    }
  }

  private static Reply place(OrdersFixture system, String customer, String key, String token) {
    HttpRequest.Builder request =
        system
            .ordersHttp
            .request("/orders", TestTokens.forRoles(customer, "customer"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(order(customer, SKU, 1).encode()));
    if (token != null) {
      request.header(ConsistencyToken.HEADER, token);
    }
    return system.ordersHttp.send(request.build());
  }
}
