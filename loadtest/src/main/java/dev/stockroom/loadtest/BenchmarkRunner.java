package dev.stockroom.loadtest;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.loadtest.baseline.BaselineServer;
import dev.stockroom.loadtest.report.ReportWriter;
import dev.stockroom.loadtest.system.CpuWindow;
import dev.stockroom.loadtest.system.Infra;
import dev.stockroom.loadtest.system.ProcStats;
import dev.stockroom.loadtest.system.ServiceProcess;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The one command behind {@code loadtest/run-benchmarks.sh}: starts PostgreSQL and Kafka (embedded,
 * in this JVM), each service as its own JVM with a 256 MB heap, and the bare baseline; seeds; runs
 * every comparison and both fault scenarios; writes BENCHMARKS.md with a latency plot. A scenario
 * that fails is written down as failed and the others still run.
 */
public final class BenchmarkRunner {
  private static final String SIM = "dev.stockroom.loadtest.simulations.";
  private static final String LOW_STOCK = SIM + "LowStockReadSimulation";
  private static final String MIXED = SIM + "MixedSimulation";
  private static final String CONTENTION = SIM + "OrderContentionSimulation";

  private final BenchOptions opts;
  private final Results results = new Results();
  private final long started = System.nanoTime();
  private final Tokens tokens = new Tokens(JwtConfig.DEV_SECRET, Duration.ofHours(12));
  private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
  private final Map<String, Map<String, Long>> rssByScenario = new ConcurrentHashMap<>();
  private volatile String scenario = "start-up";
  private String lastScenario = "start-up";
  private final Map<String, Integer> oomSeen = new HashMap<>();
  private final List<String[]> crashes = new ArrayList<>();
  private Infra infra;
  private Vertx vertx;
  private Api api;
  private Urls urls;
  private Db usersDb;
  private Db inventoryDb;
  private Db ordersDb;
  private GatlingRunner gatling;
  private Path dataDir;

  private BenchmarkRunner(BenchOptions opts) {
    this.opts = opts;
  }

  public static void main(String[] args) {
    Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    BenchOptions opts;
    try {
      opts = BenchOptions.parse(root, args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(new BenchmarkRunner(opts).run());
  }

  private int run() {
    results.mode = opts.mode();
    results.command = opts.command();
    results.startedAt = Instant.now().toString();
    results.options = opts.values();
    Path work = opts.workDir();
    dataDir = work.resolve("data");
    gatling = new GatlingRunner(opts.root(), work);
    Thread sampler = new Thread(this::sampleMemory, "rss-sampler");
    sampler.setDaemon(true);
    try {
      deleteRecursively(work);
      Files.createDirectories(work);
      step("PostgreSQL and Kafka", () -> infra = Infra.start());
      usersDb = new Db(infra.pgUri("users"));
      inventoryDb = new Db(infra.pgUri("inventory"));
      ordersDb = new Db(infra.pgUri("orders"));
      startServices(work);
      sampler.start();
      vertx = Vertx.vertx();
      api = new Api(vertx, 64);
      results.machine =
          Machine.describe(
              inventoryDb.query("SHOW server_version").get(0).values().iterator().next().toString(),
              gatlingVersion(),
              wrkVersion());
      Runtime.getRuntime().addShutdownHook(new Thread(this::killChildren, "kill-children"));
      scenario = "seeding";
      step("seeding", this::seed);
      // A freshly loaded database has no statistics until autovacuum gets to it (within about a
      // minute); plans chosen before that stick in the services' prepared statement caches.
      step(
          "ANALYZE of the three databases (as autovacuum would)",
          () ->
              List.of(usersDb, inventoryDb, ordersDb).forEach(db -> db.lines(List.of("ANALYZE"))));
      hold();
      step("warm-up of users and orders", () -> seeder().warmUp(results.seed, 1000));
      // Runs that stay within capacity first; the two runs at the target rates, which may
      // overload this machine, last, so a service they bring down cannot spoil the others.
      scenario("closed loop: baseline vs replica vs owner", this::closedLoop);
      scenario("EXPLAIN of the report query", this::explain);
      scenario("open model: replica vs owner at the same rate", this::openCompare);
      scenario("replication lag probe", this::lagProbe);
      scenario("mixed load, Kafka stopped", this::mixedWithKafkaStop);
      scenario("report load, users killed", this::readWithUsersKilled);
      scenario("orders: selling out the last units", this::orderSellout);
      scenario("order contention", this::orderContention);
      scenario("open model: report at the target rate", this::openReport);
      reviveCrashed("the end");
      memory();
    } catch (RuntimeException | IOException e) {
      results.failures.put("harness", rootMessage(e));
      e.printStackTrace();
    } finally {
      scenario = "stopping";
      stopAll();
      results.totalSeconds = (System.nanoTime() - started) / 1e9;
    }
    try {
      new ReportWriter(results, opts).write();
      say("wrote " + opts.output() + " and its plot");
    } catch (RuntimeException e) {
      e.printStackTrace();
      return 1;
    }
    boolean failed = !results.failures.isEmpty();
    boolean assertions = results.open.values().stream().allMatch(r -> r.run().assertionsPassed());
    say(
        "done in "
            + Math.round(results.totalSeconds)
            + " s; "
            + (failed ? results.failures.size() + " scenario(s) failed; " : "")
            + (assertions ? "all Gatling assertions held" : "some Gatling assertions failed"));
    return opts.strict() && (failed || !assertions) ? 1 : 0;
  }

  // ---------------------------------------------------------------- system

  private void startServices(Path work) {
    int users = freePort();
    int inventory = freePort();
    int orders = freePort();
    urls =
        new Urls(
            "http://localhost:" + users,
            "http://localhost:" + inventory,
            "http://localhost:" + orders,
            null);
    List<String> jvm = serviceJvmArgs();
    for (String[] s :
        List.of(
            new String[] {"users", String.valueOf(users)},
            new String[] {"inventory", String.valueOf(inventory)},
            new String[] {"orders", String.valueOf(orders)})) {
      String name = s[0];
      Path jar = opts.root().resolve(name + "/target/" + name + ".jar");
      if (!Files.exists(jar)) {
        throw new IllegalStateException(jar + " is missing: build first (./mvnw install)");
      }
      services.put(
          name,
          new ServiceProcess(
              name,
              ServiceProcess.javaJar(jvm, jar),
              serviceEnv(Integer.parseInt(s[1]), infra.pgUri(name)),
              work.resolve("logs/" + name + ".log"),
              Integer.parseInt(s[1])));
    }
    step(
        "users (its own JVM, -Xmx" + opts.s("serviceXmx") + ")",
        () -> {
          services.get("users").start();
          services.get("users").awaitReady(Duration.ofSeconds(120));
        });
    step(
        "inventory and orders",
        () -> {
          services.get("inventory").start();
          services.get("orders").start();
          services.get("inventory").awaitReady(Duration.ofSeconds(120));
          services.get("orders").awaitReady(Duration.ofSeconds(120));
        });
    for (String[] b :
        List.of(
            new String[] {"baseline", ""},
            new String[] {"baseline-generic", "force_generic_plan"})) {
      int port = freePort();
      Map<String, String> env = new HashMap<>();
      env.put("PG_URI", infra.pgUri("inventory"));
      env.put("HTTP_PORT", String.valueOf(port));
      if (!b[1].isEmpty()) {
        env.put("PG_PLAN_CACHE_MODE", b[1]);
      }
      List<String> cmd = new ArrayList<>();
      cmd.add(ServiceProcess.javaBinary());
      cmd.addAll(jvm);
      cmd.addAll(
          List.of("-cp", System.getProperty("java.class.path"), BaselineServer.class.getName()));
      services.put(
          b[0], new ServiceProcess(b[0], cmd, env, work.resolve("logs/" + b[0] + ".log"), port));
    }
    step(
        "bare baselines",
        () -> {
          for (String b : List.of("baseline", "baseline-generic")) {
            services.get(b).start();
          }
          for (String b : List.of("baseline", "baseline-generic")) {
            services.get(b).awaitReady(Duration.ofSeconds(60));
          }
        });
  }

  private List<String> serviceJvmArgs() {
    return List.of("-Xmx" + opts.s("serviceXmx"), "-XX:+ExitOnOutOfMemoryError");
  }

  private Map<String, String> serviceEnv(int port, String pgUri) {
    Map<String, String> env = new HashMap<>();
    env.put("STOCKROOM_ENV", "dev");
    env.put("JWT_SECRET", JwtConfig.DEV_SECRET);
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("PG_URI", pgUri);
    env.put("KAFKA_BOOTSTRAP_SERVERS", infra.kafka().bootstrapServers());
    env.put("USERS_URL", urls.users());
    env.put("INVENTORY_URL", urls.inventory());
    env.put("SHUTDOWN_GRACE", "PT0S");
    env.put("LOG_LEVEL", System.getenv().getOrDefault("LOG_LEVEL", "WARN"));
    return env;
  }

  private void stopAll() {
    List<String> names = new ArrayList<>(services.keySet());
    Collections.reverse(names);
    for (String name : names) {
      try {
        services.get(name).stop(Duration.ofSeconds(20));
      } catch (RuntimeException e) {
        say("stopping " + name + ": " + rootMessage(e));
      }
    }
    if (api != null) {
      api.close();
    }
    if (vertx != null) {
      vertx.close();
    }
    if (infra != null) {
      try {
        infra.close();
      } catch (RuntimeException e) {
        say("stopping PostgreSQL and Kafka: " + rootMessage(e));
      }
    }
  }

  /** On Ctrl-C or a crash: no service JVM may outlive the harness. */
  private void killChildren() {
    for (ServiceProcess s : services.values()) {
      if (s.isAlive()) {
        s.kill();
      }
    }
  }

  private void sampleMemory() {
    while (true) {
      String now = scenario;
      for (ServiceProcess s : services.values()) {
        long[] rss = s.sampleRss();
        if (rss[0] > 0) {
          rssByScenario
              .computeIfAbsent(s.name(), k -> new ConcurrentHashMap<>())
              .merge(now, rss[0], Math::max);
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  // ---------------------------------------------------------------- seeding

  private Seeder seeder() {
    return new Seeder(api, tokens, urls, inventoryDb, ordersDb);
  }

  private void seed() {
    SeedPlan plan = opts.seedPlan();
    say(
        String.format(
            Locale.ROOT,
            "  %d users, %d items, %d restocks",
            plan.users(),
            plan.items(),
            plan.restocks()));
    results.seed = seeder().seed(plan, dataDir);
    for (Seeder.Step s : results.seed.steps()) {
      say(
          String.format(
              Locale.ROOT,
              "  %-45s %6d in %5.1f s (%.0f/s)",
              s.what(),
              s.count(),
              s.seconds(),
              s.perSecond()));
    }
  }

  private void hold() {
    int seconds = opts.i("holdSeconds");
    if (seconds <= 0) {
      return;
    }
    say("holding the seeded system for " + seconds + " s:");
    services.values().forEach(s -> say("  " + s.name() + " " + s.url() + " (pid " + s.pid() + ")"));
    say("  inventory database " + infra.pgUri("inventory"));
    say("  stocker token: " + tokens.bearer(results.seed.stockers().get(0), "stocker"));
    Seeder.sleep(seconds * 1000L);
  }

  // ---------------------------------------------------------------- closed loop

  private void closedLoop() {
    Wrk wrk = new Wrk(opts.workDir());
    String stocker = tokens.bearer(results.seed.stockers().get(0), "stocker");
    String page = "/items/low-stock?limit=50";
    int c = opts.i("closedConnections");
    int t = opts.i("closedThreads");
    List<String[]> targets =
        List.of(
            new String[] {
              "baseline",
              "bare baseline: same SQL, default plan_cache_mode",
              services.get("baseline").url() + page,
              null
            },
            new String[] {
              "baseline-generic",
              "bare baseline, plan_cache_mode=force_generic_plan",
              services.get("baseline-generic").url() + page,
              null
            },
            new String[] {
              "replica",
              "GET /items/low-stock (default budget: the replica)",
              urls.inventory() + page,
              stocker
            },
            new String[] {
              "owner",
              "GET /items/low-stock?maxStaleness=PT0S (API composition)",
              urls.inventory() + page + "&maxStaleness=PT0S",
              stocker
            });
    for (String[] target : targets) {
      wrk.run("warm-up", target[2], target[3], t, c, opts.i("warmupSeconds"));
    }
    for (String[] target : targets) {
      Seeder.sleep(2000);
      CpuWindow cpu = CpuWindow.begin(meters(() -> childrenCpu()));
      Wrk.Result r = wrk.run(target[1], target[2], target[3], t, c, opts.i("closedSeconds"));
      results.closedLoop.add(new Results.ClosedLoop(target[0], target[1], c, r, cpu.end()));
      say(
          String.format(
              Locale.ROOT,
              "  %-58s %7.0f req/s  p50 %5.1f  p99 %6.1f ms  errors %d  stale %d",
              target[1],
              r.stats().throughput(),
              r.stats().p50(),
              r.stats().p99(),
              r.stats().errors(),
              r.stale()));
    }
  }

  private void explain() {
    String sql = BaselineServer.lowStockSql();
    String prepare = "PREPARE q(int, int, text, text, int, text) AS " + sql;
    String execute = "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE q(5, -1, '', NULL, 50, 'users.v1')";
    results.explain.put(
        "default plan_cache_mode (first execution: a custom plan)",
        inventoryDb.lines(List.of(prepare, execute)));
    results.explain.put(
        "plan_cache_mode=force_generic_plan",
        inventoryDb.lines(List.of("SET plan_cache_mode = force_generic_plan", prepare, execute)));
  }

  // ---------------------------------------------------------------- open model

  private Map<String, String> simProps() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("bench.usersUrl", urls.users());
    p.put("bench.inventoryUrl", urls.inventory());
    p.put("bench.ordersUrl", urls.orders());
    p.put("bench.jwtSecret", JwtConfig.DEV_SECRET);
    p.put("bench.dataDir", dataDir.toString());
    return p;
  }

  private record Fault(long offsetMillis, String what, Runnable action) {}

  private Results.OpenRun gatling(
      String key,
      String label,
      String simulation,
      double rate,
      double seconds,
      Map<String, String> extra,
      List<Fault> faults) {
    Map<String, String> props = simProps();
    props.put("bench.rate", String.valueOf(rate));
    props.put("bench.duration", String.valueOf(seconds));
    props.put("bench.warmup", opts.s("openWarmupSeconds"));
    props.putAll(extra);
    GatlingRunner.Handle handle = gatling.start(label, simulation, props);
    long t0 = handle.awaitLoadStart(180);
    sleepUntil(t0); // the end of the warm-up ramp: the measured load starts now
    CpuWindow cpu = CpuWindow.begin(meters(() -> treeCpu(handle.pid())));
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    Thread faulter =
        new Thread(
            () -> {
              for (Fault f : faults) {
                sleepUntil(t0 + f.offsetMillis());
                long s = System.currentTimeMillis();
                String outcome = "done";
                try {
                  f.action().run();
                } catch (RuntimeException e) {
                  outcome = "FAILED: " + rootMessage(e);
                }
                long e = System.currentTimeMillis();
                String line =
                    String.format(
                        Locale.ROOT,
                        "t=%.1f s: %s (%s, took %.1f s)",
                        (s - t0) / 1000.0,
                        f.what(),
                        outcome,
                        (e - s) / 1000.0);
                events.add(line);
                say("  " + line);
              }
            },
            "faults");
    faulter.start();
    sleepUntil(t0 + Math.round(seconds * 1000));
    Map<String, Double> cores = cpu.end();
    try {
      faulter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    GatlingRunner.Run run = handle.await(Math.round(seconds) + 600);
    Results.OpenRun open =
        new Results.OpenRun(key, label, rate, run, cores, List.copyOf(events), t0);
    results.open.put(key, open);
    LatencyStats g = run.global();
    say(
        String.format(
            Locale.ROOT,
            "  %-58s %7.0f req/s  p50 %4.0f  p99 %5.0f ms  KO %d  assertions %s",
            label,
            g.throughput(),
            g.p50(),
            g.p99(),
            g.errors(),
            run.assertionsPassed() ? "held" : "FAILED"));
    return open;
  }

  private void openReport() {
    double rate = opts.d("reportRate");
    gatling(
        "report-target",
        String.format(Locale.ROOT, "LowStockRead, replica, %.0f/s", rate),
        LOW_STOCK,
        rate,
        opts.d("reportSeconds"),
        Map.of("bench.p99Ms", opts.s("reportP99Ms"), "bench.maxErrorPct", "0"),
        List.of());
  }

  /**
   * A rate for "auto": half of what the closed loop measured for that endpoint (rounded down to 50
   * req/s, at least 50), so the open-model comparison runs where the system can keep up.
   */
  private double rateOf(String option, String closedLabel) {
    String v = opts.s(option);
    if (!v.equals("auto")) {
      return Double.parseDouble(v);
    }
    Results.ClosedLoop c = results.closed(closedLabel);
    if (c == null) {
      throw new IllegalStateException(
          option + "=auto needs the closed-loop result of " + closedLabel);
    }
    return Math.max(50, Math.floor(c.result().stats().throughput() / 2 / 50) * 50);
  }

  private void openCompare() {
    double rate = rateOf("compareRate", "owner");
    gatling(
        "compare-replica",
        String.format(Locale.ROOT, "LowStockRead, replica, %.0f/s", rate),
        LOW_STOCK,
        rate,
        opts.d("compareSeconds"),
        Map.of("bench.p99Ms", "1000", "bench.maxErrorPct", "1"),
        List.of());
    Seeder.sleep(2000);
    gatling(
        "compare-owner",
        String.format(Locale.ROOT, "LowStockRead, maxStaleness=PT0S, %.0f/s", rate),
        LOW_STOCK,
        rate,
        opts.d("compareSeconds"),
        Map.of("bench.maxStaleness", "PT0S", "bench.p99Ms", "1000", "bench.maxErrorPct", "1"),
        List.of());
  }

  // ---------------------------------------------------------------- lag

  private void lagProbe() {
    Seeder.sleep(2000);
    CpuWindow cpu = CpuWindow.begin(meters(() -> 0));
    results.lag =
        new LagProbe(api, urls, tokens, results.seed.probes())
            .run(opts.d("lagRate"), opts.d("lagSeconds"));
    results.lagCpu = cpu.end();
    LatencyStats l = results.lag.lag();
    say(
        String.format(
            Locale.ROOT,
            "  %d updates at %.0f/s: visible p50 %.1f  p99 %.1f  max %.1f ms; unseen %d",
            results.lag.sent(),
            results.lag.achievedRate(),
            l.p50(),
            l.p99(),
            l.max(),
            results.lag.unseen()));
  }

  // ---------------------------------------------------------------- orders

  private void orderContention() {
    double rate = opts.d("orderRate");
    results.orders =
        orderRun(
            "contention",
            String.format(Locale.ROOT, "OrderContention, %d hot SKUs, %.0f/s", opts.i("hot"), rate),
            "hot-skus.txt",
            "HOT-",
            results.seed.plan().hotStock(),
            rate,
            opts.d("orderSeconds"));
  }

  private void orderSellout() {
    double rate = opts.d("selloutRate");
    results.sellout =
        orderRun(
            "sellout",
            String.format(
                Locale.ROOT,
                "OrderContention, last %d units of %d SKUs, %.0f/s",
                results.seed.plan().selloutStock(),
                opts.i("sellout"),
                rate),
            "sellout-skus.txt",
            "LAST-",
            results.seed.plan().selloutStock(),
            rate,
            opts.d("selloutSeconds"));
  }

  private Results.Orders orderRun(
      String key,
      String label,
      String skuFile,
      String skuPrefix,
      int perSku,
      double rate,
      double seconds) {
    int poolBusyAtStart =
        services.get("orders").count("io.vertx.core.http.ConnectionPoolTooBusyException");
    Results.OpenRun run =
        gatling(
            key,
            label,
            CONTENTION,
            rate,
            seconds,
            Map.of("bench.skuFile", skuFile, "bench.p99Ms", "2000", "bench.maxErrorPct", "0"),
            List.of());
    long poolBusy =
        services.get("orders").count("io.vertx.core.http.ConnectionPoolTooBusyException")
            - poolBusyAtStart;
    // The warm-up ramp places real orders too: stock is accounted over the whole run, rates
    // over the measured window only.
    double from = run.loadStartMillis() / 1000.0;
    String since = "created_at >= to_timestamp(" + (from - opts.d("openWarmupSeconds") - 2) + ")";
    String window =
        " AND created_at >= to_timestamp("
            + from
            + ") AND created_at < to_timestamp("
            + (from + seconds)
            + ")";
    String mine =
        " AND EXISTS (SELECT 1 FROM jsonb_array_elements(requested_lines) x WHERE x->>'sku' LIKE '"
            + skuPrefix
            + "%')";
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline
        && ordersDb.scalar("SELECT count(*) FROM orders WHERE step <> 'DONE' AND " + since + mine)
            > 0) {
      Seeder.sleep(500);
    }
    Map<String, Long> byStatus = new LinkedHashMap<>();
    ordersDb
        .query(
            "SELECT status, count(*) AS n FROM orders WHERE "
                + since
                + mine
                + " GROUP BY status ORDER BY status")
        .forEach(r -> byStatus.put((String) r.get("status"), ((Number) r.get("n")).longValue()));
    Map<String, Long> rejections = new LinkedHashMap<>();
    ordersDb
        .query(
            "SELECT coalesce(rejection->>'reason', '?') AS reason, count(*) AS n FROM orders"
                + " WHERE status = 'REJECTED' AND "
                + since
                + mine
                + " GROUP BY 1 ORDER BY 1")
        .forEach(r -> rejections.put((String) r.get("reason"), ((Number) r.get("n")).longValue()));
    Map<String, Long> confirmedBySku = new HashMap<>();
    ordersDb
        .query(
            "SELECT l->>'sku' AS sku, sum((l->>'quantity')::bigint) AS q FROM orders o,"
                + " jsonb_array_elements(o.requested_lines) l WHERE o.status = 'CONFIRMED' AND "
                + since
                + " GROUP BY 1")
        .forEach(r -> confirmedBySku.put((String) r.get("sku"), ((Number) r.get("q")).longValue()));
    long sold = 0;
    long confirmedQty = 0;
    boolean negative = false;
    int skus = 0;
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> item :
        inventoryDb.query(
            "SELECT sku, quantity, reserved FROM items WHERE sku LIKE '"
                + skuPrefix
                + "%' ORDER BY sku")) {
      String sku = (String) item.get("sku");
      long quantity = ((Number) item.get("quantity")).longValue();
      long reserved = ((Number) item.get("reserved")).longValue();
      long skuSold = perSku - quantity;
      long skuConfirmed = confirmedBySku.getOrDefault(sku, 0L);
      sold += skuSold;
      confirmedQty += skuConfirmed;
      negative |= quantity < 0 || quantity - reserved < 0;
      skus++;
      lines.add(
          String.format(
              Locale.ROOT,
              "%s: stock %d, left %d (reserved %d), sold %d, confirmed in orders %d",
              sku,
              perSku,
              quantity,
              reserved,
              skuSold,
              skuConfirmed));
    }
    long confirmedReservations =
        inventoryDb.scalar(
            "SELECT count(DISTINCT r.reservation_id) FROM reservations r JOIN reservation_lines l"
                + " USING (reservation_id) WHERE l.sku LIKE '"
                + skuPrefix
                + "%' AND r.status = 'CONFIRMED'");
    long confirmed =
        ordersDb.scalar(
            "SELECT count(*) FROM orders WHERE status = 'CONFIRMED' AND " + since + mine + window);
    double firstOutOfStock =
        ordersDb
            .query(
                "SELECT extract(epoch FROM min(created_at)) AS t FROM orders WHERE status ="
                    + " 'REJECTED' AND rejection->>'reason' = 'out_of_stock' AND "
                    + since
                    + mine)
            .stream()
            .map(r -> r.get("t") == null ? Double.NaN : ((Number) r.get("t")).doubleValue())
            .findFirst()
            .orElse(Double.NaN);
    double inStock =
        Double.isNaN(firstOutOfStock)
            ? seconds
            : Math.max(0.001, Math.min(seconds, firstOutOfStock - from));
    long confirmedInStock =
        Double.isNaN(firstOutOfStock)
            ? confirmed
            : ordersDb.scalar(
                "SELECT count(*) FROM orders WHERE status = 'CONFIRMED' AND "
                    + since
                    + mine
                    + window
                    + " AND created_at < to_timestamp("
                    + firstOutOfStock
                    + ")");
    Results.Orders o =
        new Results.Orders(
            byStatus,
            rejections,
            (long) perSku * skus,
            sold,
            confirmedQty,
            confirmedReservations,
            negative,
            confirmed / Math.max(1e-9, seconds),
            confirmedInStock / Math.max(1e-9, inStock),
            inStock,
            ordersDb.scalar(
                "SELECT count(*) FROM orders WHERE status = 'PENDING' AND " + since + mine),
            lines,
            !Double.isNaN(firstOutOfStock),
            poolBusy);
    say(
        String.format(
            Locale.ROOT,
            "  outcomes %s, rejections %s; sold %d = confirmed %d: %s",
            byStatus,
            rejections,
            sold,
            confirmedQty,
            o.oversold() ? "OVERSOLD or inconsistent" : "no oversell"));
    return o;
  }

  // ---------------------------------------------------------------- faults

  private void mixedWithKafkaStop() {
    double p = opts.d("mixedPhaseSeconds");
    String phases = String.format(Locale.ROOT, "before:%s,during:%s,after:%s", p, p, p);
    long[] restartedAt = new long[1];
    long[] catchUpBacklog = new long[1];
    double[] drainedAfter = {Double.NaN};
    // From the restart on, while the load goes on: how long until users' outbox backlog is
    // published (the replicas then apply it within the usual lag).
    Thread catchUp =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
              while (System.nanoTime() < deadline) {
                long left =
                    usersDb.scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL");
                if (left == 0) {
                  drainedAfter[0] = (System.currentTimeMillis() - restartedAt[0]) / 1000.0;
                  return;
                }
                Seeder.sleep(100);
              }
            },
            "kafka-catch-up");
    Results.OpenRun run =
        gatling(
            "mixed-kafka",
            String.format(Locale.ROOT, "Mixed, %.0f/s, Kafka stopped", opts.d("mixedRate")),
            MIXED,
            opts.d("mixedRate"),
            3 * p,
            Map.of("bench.phases", phases, "bench.p99Ms", "1000", "bench.maxErrorPct", "0"),
            List.of(
                new Fault(Math.round(p * 1000), "Kafka stopped", () -> infra.kafka().stop()),
                new Fault(
                    Math.round(2 * p * 1000),
                    "Kafka started again",
                    () -> {
                      long backlog =
                          usersDb.scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL");
                      infra.kafka().restart();
                      restartedAt[0] = System.currentTimeMillis();
                      catchUp.start();
                      catchUpBacklog[0] = backlog;
                    })));
    try {
      catchUp.join(Duration.ofSeconds(130).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String drained =
        Double.isNaN(drainedAfter[0])
            ? "users' outbox backlog was NOT published within 120 s of Kafka's return"
            : String.format(
                Locale.ROOT,
                "users' outbox backlog (%d events when Kafka came back) was published %.1f s"
                    + " after Kafka was back, while the load went on",
                catchUpBacklog[0],
                drainedAfter[0]);
    say("  " + drained);
    // After the load: is anything lost? Both replicas must match the owner exactly.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String verdict = "replicas did NOT match users within 60 s after the load";
    while (System.nanoTime() < deadline) {
      long backlog = usersDb.scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL");
      long owner = usersDb.scalar("SELECT coalesce(sum(version), 0) FROM users");
      long inv = inventoryDb.scalar("SELECT coalesce(sum(version), 0) FROM user_replica");
      long ord = ordersDb.scalar("SELECT coalesce(sum(version), 0) FROM customer_replica");
      if (backlog == 0 && owner == inv && owner == ord) {
        verdict =
            String.format(
                Locale.ROOT,
                "after the load, both replicas (inventory's and orders') matched users exactly:"
                    + " nothing lost or doubled (sum of versions %d)",
                owner);
        break;
      }
      Seeder.sleep(250);
    }
    List<String> events = new ArrayList<>(run.events());
    events.add(drained);
    events.add(verdict);
    results.open.put(
        run.key(),
        new Results.OpenRun(
            run.key(),
            run.label(),
            run.rate(),
            run.run(),
            run.cpu(),
            events,
            run.loadStartMillis()));
    say("  " + verdict);
  }

  private void readWithUsersKilled() {
    double p = opts.d("faultReadPhaseSeconds");
    String phases = String.format(Locale.ROOT, "before:%s,during:%s,after:%s", p, p, p);
    ServiceProcess users = services.get("users");
    double readRate = rateOf("faultReadRate", "replica");
    gatling(
        "read-users-killed",
        String.format(Locale.ROOT, "LowStockRead, replica, %.0f/s, users killed", readRate),
        LOW_STOCK,
        readRate,
        3 * p,
        Map.of(
            "bench.phases",
            phases,
            "bench.p99Ms",
            opts.s("faultReadP99Ms"),
            "bench.maxErrorPct",
            "0"),
        List.of(
            new Fault(Math.round(p * 1000), "users killed (SIGKILL)", users::kill),
            new Fault(
                Math.round(2 * p * 1000),
                "users started again and ready",
                () -> {
                  users.start();
                  users.awaitReady(Duration.ofSeconds(120));
                })));
  }

  // ---------------------------------------------------------------- memory

  private void memory() {
    for (String name : List.of("users", "inventory", "orders")) {
      ServiceProcess s = services.get(name);
      long[] now = s.sampleRss();
      results.memory.add(
          new Results.Memory(
              name,
              opts.s("serviceXmx"),
              Map.copyOf(rssByScenario.getOrDefault(name, Map.of())),
              s.peakRssKb(),
              now[0],
              s.outOfMemoryCount() > 0,
              s.exitCode(),
              crashes.stream().filter(c -> c[0].equals(name)).map(c -> c[1]).toList()));
    }
  }

  // ---------------------------------------------------------------- helpers

  private Map<String, DoubleSupplier> meters(DoubleSupplier loadGenerator) {
    Map<String, DoubleSupplier> m = new LinkedHashMap<>();
    m.put("PostgreSQL", () -> ProcStats.cpuSeconds(infra.postgresPids()));
    for (ServiceProcess s : services.values()) {
      m.put(s.name(), s::cpuSeconds);
    }
    m.put("load generator", loadGenerator);
    long self = ProcessHandle.current().pid();
    m.put("harness + Kafka", () -> ProcStats.cpuSeconds(self, false));
    return m;
  }

  /** CPU of this JVM's finished children (wrk, once it has exited and been reaped). */
  private static double childrenCpu() {
    long self = ProcessHandle.current().pid();
    return ProcStats.cpuSeconds(self, true) - ProcStats.cpuSeconds(self, false);
  }

  private static double treeCpu(long pid) {
    return ProcStats.tree(pid).stream().mapToDouble(p -> ProcStats.cpuSeconds(p, false)).sum();
  }

  /** A service that died by itself (e.g. OutOfMemoryError) is written down and started again. */
  private void reviveCrashed(String before) {
    for (String name : List.of("users", "inventory", "orders")) {
      ServiceProcess s = services.get(name);
      Integer exit = s.exitCode();
      if (exit == null || s.isAlive()) {
        continue;
      }
      String note =
          name
              + " exited by itself (exit code "
              + exit
              + (s.outOfMemoryCount() > oomSeen.getOrDefault(name, 0)
                  ? ", OutOfMemoryError: Java heap space"
                  : "")
              + ") during \""
              + lastScenario
              + "\"; restarted before "
              + before;
      oomSeen.put(name, s.outOfMemoryCount());
      crashes.add(new String[] {name, lastScenario, note});
      results.notes.add(note);
      say("  " + note);
      try {
        s.start();
        s.awaitReady(Duration.ofSeconds(120));
      } catch (RuntimeException e) {
        results.failures.put("restarting " + name, rootMessage(e));
      }
    }
  }

  private void scenario(String name, Runnable body) {
    reviveCrashed("\"" + name + "\"");
    lastScenario = name;
    scenario = name;
    say(name);
    long t = System.nanoTime();
    try {
      body.run();
    } catch (RuntimeException e) {
      results.failures.put(name, rootMessage(e));
      say("  FAILED: " + rootMessage(e));
      e.printStackTrace();
    }
    say(String.format(Locale.ROOT, "  (%.0f s)", (System.nanoTime() - t) / 1e9));
  }

  private void step(String name, Runnable body) {
    long t = System.nanoTime();
    body.run();
    say(String.format(Locale.ROOT, "%s: ready in %.1f s", name, (System.nanoTime() - t) / 1e9));
  }

  private void say(String line) {
    System.out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - started) / 1e9, line);
    System.out.flush();
  }

  private static void sleepUntil(long epochMillis) {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait > 0) {
      Seeder.sleep(wait);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String gatlingVersion() {
    try {
      String pom = Files.readString(opts.root().resolve("loadtest/pom.xml"));
      var m = java.util.regex.Pattern.compile("<gatling.version>([^<]+)<").matcher(pom);
      return m.find() ? m.group(1) : "?";
    } catch (IOException e) {
      return "?";
    }
  }

  private static String wrkVersion() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      return out.lines().findFirst().orElse("?").replaceAll(" Copyright.*", "");
    } catch (IOException e) {
      return "not installed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.toString() : root.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
