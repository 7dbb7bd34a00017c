package dev.stockroom.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import java.util.UUID;

/**
 * Many customers ordering a few hot SKUs at a constant arrival rate: every order reserves stock on
 * one of the hot items and holds credit, inside the saga. 201 (CONFIRMED or REJECTED when sold out)
 * and 202 (still running) are both correct answers; the runner counts outcomes and checks for
 * oversell in the databases afterwards.
 */
public class OrderContentionSimulation extends StockroomSimulation {
  {
    ScenarioBuilder order =
        scenario("OrderContention")
            .feed(customers())
            .feed(skus(System.getProperty("bench.skuFile", "hot-skus.txt")))
            .exec(
                measured(
                    "order hot sku",
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
                                        1)))
                        .check(checks(status().in(201, 202)))));
    setUp(order.injectOpen(arrivals(settings.rate())))
        .protocols(protocol(settings.ordersUrl()))
        .assertions(assertions());
  }
}
