package dev.stockroom.loadtest;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The seeding step: people, items and restocks through the public APIs (so the replicas fill the
 * way they do in production, through users' events), with bounded concurrency. Writes the ids and
 * skus the simulations draw from into the data directory.
 */
public final class Seeder {
  /** One timed step of the seeding. */
  public record Step(String what, int count, double seconds) {
    public double perSecond() {
      return count / Math.max(seconds, 1e-9);
    }
  }

  /** What was seeded; the lists are what the simulations and the probe use. */
  public record Seeded(
      SeedPlan plan,
      List<String> customers,
      List<String> stockers,
      List<String> probes,
      List<Step> steps) {
    public double seconds() {
      return steps.stream().mapToDouble(Step::seconds).sum();
    }
  }

  private static final int CONCURRENCY = 48;

  private final Api api;
  private final Tokens tokens;
  private final Urls urls;
  private final Db inventoryDb;
  private final Db ordersDb;

  public Seeder(Api api, Tokens tokens, Urls urls, Db inventoryDb, Db ordersDb) {
    this.api = api;
    this.tokens = tokens;
    this.urls = urls;
    this.inventoryDb = inventoryDb;
    this.ordersDb = ordersDb;
  }

  public Seeded seed(SeedPlan plan, Path dataDir) {
    List<Step> steps = new ArrayList<>();
    String admin = tokens.bearer("loadtest-admin", "admin");

    long t0 = System.nanoTime();
    List<String> customers =
        users(plan.customers(), i -> person("Customer " + i, "customer-" + i), admin);
    List<String> stockers =
        users(plan.stockers(), i -> person("Stocker " + i, "stocker-" + i), admin);
    List<String> probes =
        users(plan.probes(), i -> person(SeedPlan.probeName(i, 0), "lagprobe-" + i), admin);
    steps.add(new Step("users (POST /users)", plan.users(), secondsSince(t0)));

    long t1 = System.nanoTime();
    List<JsonObject> items = new ArrayList<>();
    IntStream.range(0, plan.lowStock())
        .forEach(i -> items.add(item(SeedPlan.lowSku(i), "Low item " + i, 250 + i % 1000, 0, 5)));
    IntStream.range(0, plan.catalog())
        .forEach(
            i ->
                items.add(
                    item(SeedPlan.catalogSku(i), "Catalog item " + i, 500 + i, 1_000_000, 10)));
    IntStream.range(0, plan.hot())
        .forEach(
            i ->
                items.add(
                    item(
                        SeedPlan.hotSku(i),
                        "Hot item " + i,
                        SeedPlan.HOT_PRICE_CENTS,
                        plan.hotStock(),
                        0)));
    IntStream.range(0, plan.sellout())
        .forEach(
            i ->
                items.add(
                    item(
                        SeedPlan.selloutSku(i),
                        "Last units " + i,
                        SeedPlan.HOT_PRICE_CENTS,
                        plan.selloutStock(),
                        0)));
    IntStream.range(0, plan.probes())
        .forEach(i -> items.add(item(SeedPlan.probeSku(i), "Probe item " + i, 100, 0, 5)));
    Api.await(
        api.map(
            items,
            CONCURRENCY,
            body -> api.call(HttpMethod.POST, urls.inventory() + "/items", admin, body, 201, 409)),
        Duration.ofMinutes(10));
    steps.add(new Step("items (POST /items)", items.size(), secondsSince(t1)));

    long t2 = System.nanoTime();
    awaitReplicas(plan.users(), Duration.ofMinutes(3));
    steps.add(new Step("users replicated to inventory and orders", plan.users(), secondsSince(t2)));

    long t3 = System.nanoTime();
    List<String[]> restocks = new ArrayList<>();
    List<String> stockerTokens = stockers.stream().map(id -> tokens.bearer(id, "stocker")).toList();
    for (int i = 0; i < plan.lowStock(); i++) {
      restocks.add(
          new String[] {
            SeedPlan.lowSku(i),
            String.valueOf(SeedPlan.lowQuantity(i)),
            stockerTokens.get(plan.stockerOf(i))
          });
    }
    for (int i = 0; i < plan.probes(); i++) {
      restocks.add(
          new String[] {
            SeedPlan.probeSku(i),
            String.valueOf(SeedPlan.PROBE_QUANTITY),
            tokens.bearer(probes.get(i), "stocker")
          });
    }
    Api.await(
        api.map(
            restocks,
            CONCURRENCY,
            r ->
                api.call(
                    HttpMethod.POST,
                    urls.inventory() + "/items/" + r[0] + "/restocks",
                    r[2],
                    new JsonObject().put("quantity", Integer.parseInt(r[1])),
                    201)),
        Duration.ofMinutes(10));
    steps.add(new Step("restocks (POST /items/{sku}/restocks)", restocks.size(), secondsSince(t3)));

    write(dataDir, "customers.txt", customers);
    write(dataDir, "stockers.txt", stockers);
    write(dataDir, "probes.txt", probes);
    write(dataDir, "low-skus.txt", names(plan.lowStock(), SeedPlan::lowSku));
    write(dataDir, "catalog-skus.txt", names(plan.catalog(), SeedPlan::catalogSku));
    write(dataDir, "hot-skus.txt", names(plan.hot(), SeedPlan::hotSku));
    write(dataDir, "sellout-skus.txt", names(plan.sellout(), SeedPlan::selloutSku));
    return new Seeded(plan, customers, stockers, probes, steps);
  }

  /** Waits until both replicas hold at least {@code users} people (applied from users.v1). */
  public void awaitReplicas(int users, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long inventory = inventoryDb.scalar("SELECT count(*) FROM user_replica");
      long orders = ordersDb.scalar("SELECT count(*) FROM customer_replica");
      if (inventory >= users && orders >= users) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "replicas did not fill in time: inventory "
                + inventory
                + ", orders "
                + orders
                + " of "
                + users);
      }
      sleep(200);
    }
  }

  private List<String> users(int count, IntFunction<JsonObject> body, String admin) {
    List<JsonObject> bodies = IntStream.range(0, count).mapToObj(body).toList();
    List<JsonObject> created =
        Api.await(
            api.map(
                bodies,
                CONCURRENCY,
                b -> api.call(HttpMethod.POST, urls.users() + "/users", admin, b, 201)),
            Duration.ofMinutes(10));
    return created.stream().map(u -> u.getString("id")).toList();
  }

  private static JsonObject person(String name, String emailLocal) {
    return new JsonObject()
        .put("name", name)
        .put("email", emailLocal + "@bench.stockroom.test")
        .put("creditLimitCents", SeedPlan.CREDIT_LIMIT_CENTS);
  }

  public static JsonObject item(String sku, String name, long price, int quantity, int low) {
    return new JsonObject()
        .put("sku", sku)
        .put("name", name)
        .put("priceCents", price)
        .put("quantity", quantity)
        .put("lowStockThreshold", low);
  }

  private static List<String> names(int n, IntFunction<String> f) {
    return IntStream.range(0, n).mapToObj(f).toList();
  }

  public static void write(Path dir, String file, List<String> lines) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(file), lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Warm-up for the JITs of users, orders and the report: {@code count} of each, untimed. */
  public void warmUp(Seeded seeded, int count) {
    String admin = tokens.bearer("loadtest-admin", "admin");
    List<Integer> n = IntStream.range(0, count).boxed().toList();
    Future<List<JsonObject>> updates =
        api.map(
            n,
            16,
            i -> {
              String id = seeded.stockers().get(i % seeded.stockers().size());
              return api.call(
                  HttpMethod.PATCH,
                  urls.users() + "/users/" + id,
                  admin,
                  new JsonObject().put("name", "Stocker " + (i % seeded.stockers().size())),
                  200);
            });
    Api.await(updates, Duration.ofMinutes(5));
    Future<List<JsonObject>> orders =
        api.map(
            n,
            16,
            i -> {
              String customer = seeded.customers().get(i % seeded.customers().size());
              return api.call(
                  HttpMethod.POST,
                  urls.orders() + "/orders",
                  tokens.bearer(customer, "customer"),
                  java.util.Map.of("Idempotency-Key", "warmup-" + java.util.UUID.randomUUID()),
                  order(customer, SeedPlan.catalogSku(i % seeded.plan().catalog()), 1),
                  201,
                  202);
            });
    Api.await(orders, Duration.ofMinutes(5));
    // The report too: a scenario run on its own (--only=kafka) otherwise sends the first report
    // requests of inventory's life at full rate, into class loading and an unwarmed plan.
    Future<List<JsonObject>> reports =
        api.map(
            n,
            16,
            i ->
                api.call(
                    HttpMethod.GET,
                    urls.inventory() + "/items/low-stock?limit=50",
                    tokens.bearer(seeded.stockers().get(i % seeded.stockers().size()), "stocker"),
                    null,
                    200));
    Api.await(reports, Duration.ofMinutes(5));
  }

  public static JsonObject order(String customer, String sku, int quantity) {
    return new JsonObject(
        String.format(
            Locale.ROOT,
            "{\"customerId\":\"%s\",\"lines\":[{\"sku\":\"%s\",\"quantity\":%d}],"
                + "\"shippingAddress\":{\"line1\":\"1 Bench Street\",\"city\":\"Loadville\","
                + "\"postalCode\":\"12345\",\"country\":\"NL\"}}",
            customer,
            sku,
            quantity));
  }

  static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
