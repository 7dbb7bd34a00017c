package dev.stockroom.loadtest.chaos;

import dev.stockroom.loadtest.Api;
import dev.stockroom.loadtest.Seeder;
import dev.stockroom.loadtest.Tokens;
import dev.stockroom.loadtest.system.ServiceProcess;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chaos run's customers: each orders one of a few scarce skus with a fresh Idempotency-Key (one
 * order in ten asks for more than the whole stock), retried under the same key after a timeout, a
 * refused connection or a 5xx, as a client would; every attempt goes into the {@link History}.
 */
final class Customers {
  private static final int TIMEOUT_MS = 5_000;

  private final Api api;
  private final ChaosFleet fleet;
  private final History history;
  private final Tokens tokens;
  private final List<String> skus;
  private final Duration orderPause;
  private final Random random = new Random(42);
  private final AtomicLong keys = new AtomicLong();

  Customers(
      Api api,
      ChaosFleet fleet,
      History history,
      Tokens tokens,
      List<String> skus,
      Duration orderPause) {
    this.api = api;
    this.fleet = fleet;
    this.history = history;
    this.tokens = tokens;
    this.skus = skus;
    this.orderPause = orderPause;
  }

  java.util.function.Supplier<Future<Void>> orderer(String customer) {
    String bearer = tokens.bearer(customer, "customer");
    return () -> {
      String key = "chaos-" + keys.incrementAndGet();
      String sku = skus.get(random.nextInt(skus.size()));
      // One order in ten asks for more than the whole stock: it must be rejected, not oversold.
      int quantity = random.nextInt(10) == 0 ? 1_000 : 1 + random.nextInt(3);
      return place(key, customer, bearer, sku, quantity, 1).compose(v -> pause(orderPause));
    };
  }

  /** One attempt; after a timeout, a refused connection or a 5xx, the same key again. */
  private Future<Void> place(
      String key, String customer, String bearer, String sku, int quantity, int attempt) {
    ServiceProcess p = fleet.pick("orders");
    double sent = history.nowMs();
    return api.client()
        .postAbs(p.url() + "/orders")
        .putHeader("Authorization", bearer)
        .putHeader("Idempotency-Key", key)
        .timeout(TIMEOUT_MS)
        .sendJsonObject(Seeder.order(customer, sku, quantity))
        .transform(
            ar -> {
              HttpResponse<Buffer> r = ar.succeeded() ? ar.result() : null;
              int status = r == null ? 0 : r.statusCode();
              String orderId =
                  status == 201 || status == 202 ? r.bodyAsJsonObject().getString("id") : null;
              history.add(
                  new History.OrderAttempt(
                      key,
                      customer,
                      sku,
                      quantity,
                      p.name(),
                      sent,
                      history.nowMs(),
                      status,
                      Workload.error(r, ar.cause()),
                      orderId));
              boolean retry = status == 0 || status >= 500;
              // A client gives up only when it has an answer; after the load it still retries
              // for a while, so that every key ends with one.
              if (retry && attempt < 60) {
                return pause(Duration.ofMillis(500))
                    .compose(v -> place(key, customer, bearer, sku, quantity, attempt + 1));
              }
              return Future.succeededFuture();
            });
  }

  private Future<Void> pause(Duration d) {
    return Workload.pause(api, d);
  }
}
