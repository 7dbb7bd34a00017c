package dev.stockroom.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;

/**
 * The low-stock report at a constant arrival rate (open model), as stockers read it: first page, 50
 * rows, each with who stocked it last. {@code -Dbench.maxStaleness=} (blank) reads the local
 * replica within the default budget; {@code -Dbench.maxStaleness=PT0S} asks the owner for every
 * stocker on the page (API composition). A response whose copied data is flagged stale counts as
 * failed: the reader did not get the freshness it asked for.
 */
public class LowStockReadSimulation extends StockroomSimulation {
  {
    String budget = settings.maxStaleness();
    String variant = budget.isBlank() ? "replica" : "maxStaleness=" + budget;
    String path = "/items/low-stock?limit=50" + (budget.isBlank() ? "" : "&maxStaleness=" + budget);
    ScenarioBuilder read =
        scenario("LowStockRead " + variant)
            .feed(stockers())
            .exec(
                measured(
                    "report " + variant,
                    http("#{req}")
                        .get(path)
                        .header("Authorization", "#{stockerAuth}")
                        .check(checks(status().is(200), substring("\"stale\":true").notExists()))));
    setUp(read.injectOpen(arrivals(settings.rate())))
        .protocols(protocol(settings.inventoryUrl()))
        .assertions(assertions());
  }
}
