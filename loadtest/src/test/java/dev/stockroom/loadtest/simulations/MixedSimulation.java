package dev.stockroom.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The day-to-day mix at a constant total arrival rate, split by {@code bench.mix} (default 60%
 * report reads, 15% restocks, 10% user changes, 15% orders), each kind against its owner: inventory
 * for reads and restocks, users for changes (which then flow to the replicas through Kafka), orders
 * for orders (a saga over inventory and users).
 */
public class MixedSimulation extends StockroomSimulation {
  {
    List<PopulationBuilder> populations = new ArrayList<>();
    for (Map.Entry<String, Double> share : settings.mix().entrySet()) {
      double rate = settings.rate() * share.getValue();
      if (rate <= 0) {
        continue;
      }
      ScenarioBuilder scenario =
          switch (share.getKey()) {
            case "report" -> report();
            case "restock" -> restock();
            case "userUpdate" -> userUpdate();
            case "order" -> order();
            default -> throw new IllegalArgumentException("unknown mix entry " + share.getKey());
          };
      String baseUrl =
          switch (share.getKey()) {
            case "userUpdate" -> settings.usersUrl();
            case "order" -> settings.ordersUrl();
            default -> settings.inventoryUrl();
          };
      populations.add(scenario.injectOpen(arrivals(rate)).protocols(protocol(baseUrl)));
    }
    setUp(populations).assertions(assertions());
  }

  private ScenarioBuilder report() {
    return scenario("report")
        .feed(stockers())
        .exec(
            measured(
                "report",
                http("#{req}")
                    .get("/items/low-stock?limit=50")
                    .header("Authorization", "#{stockerAuth}")
                    .check(checks(status().is(200)))));
  }

  private ScenarioBuilder restock() {
    return scenario("restock")
        .feed(stockers())
        .feed(skus("low-skus.txt"))
        .exec(
            measured(
                "restock",
                http("#{req}")
                    .post("/items/#{sku}/restocks")
                    .header("Authorization", "#{stockerAuth}")
                    .body(
                        StringBody(
                            session ->
                                "{\"quantity\":"
                                    + (1 + ThreadLocalRandom.current().nextInt(3))
                                    + "}"))
                    .check(checks(status().is(201)))));
  }

  private ScenarioBuilder userUpdate() {
    return scenario("userUpdate")
        .feed(stockers())
        .exec(
            measured(
                "user update",
                http("#{req}")
                    .patch("/users/#{stockerId}")
                    .header("Authorization", adminAuth)
                    .body(
                        StringBody(
                            session ->
                                "{\"name\":\"Stocker renamed "
                                    + ThreadLocalRandom.current().nextInt(1_000_000)
                                    + "\"}"))
                    .check(checks(status().is(200)))));
  }

  private ScenarioBuilder order() {
    return scenario("order")
        .feed(customers())
        .feed(skus("catalog-skus.txt"))
        .exec(
            measured(
                "order",
                http("#{req}")
                    .post("/orders")
                    .header("Authorization", "#{customerAuth}")
                    .header("Idempotency-Key", session -> UUID.randomUUID().toString())
                    .body(
                        StringBody(
                            session ->
                                orderBody(
                                    session.getString("customerId"),
                                    session.getString("sku"),
                                    1 + ThreadLocalRandom.current().nextInt(2))))
                    .check(checks(status().in(201, 202)))));
  }
}
