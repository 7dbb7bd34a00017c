package dev.stockroom.loadtest.chaos;

import dev.stockroom.loadtest.Api;
import dev.stockroom.loadtest.SeedPlan;
import dev.stockroom.loadtest.Tokens;
import dev.stockroom.loadtest.system.ServiceProcess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The load a chaos run puts on the fleet while faults happen, every request written to the {@link
 * History}: renamers (one per tracked person, each name carrying a sequence number, one rename in
 * flight per person so their order is known), report readers (the default budget and a small one,
 * alternately) and {@link Customers} placing orders.
 */
final class Workload {
  /** What runs and how hard. */
  record Plan(
      List<String> tracked,
      List<String> customers,
      List<String> skus,
      int readers,
      Duration renamePause,
      Duration orderPause,
      Duration readPause,
      Duration smallBudget) {}

  private static final int TIMEOUT_MS = 5_000;

  private final Api api;
  private final ChaosFleet fleet;
  private final History history;
  private final Plan plan;
  private final String admin;
  private final Tokens tokens;
  private final List<Future<Void>> loops = new ArrayList<>();
  private volatile boolean running = true;

  Workload(Api api, ChaosFleet fleet, History history, Tokens tokens, Plan plan) {
    this.api = api;
    this.fleet = fleet;
    this.history = history;
    this.tokens = tokens;
    this.plan = plan;
    this.admin = tokens.bearer("chaos-admin", "admin");
  }

  /** Starts every client loop on the harness's event loop. */
  void start() {
    api.vertx()
        .runOnContext(
            v -> {
              for (int i = 0; i < plan.tracked().size(); i++) {
                loops.add(loop(renamer(i)));
              }
              for (int i = 0; i < plan.readers(); i++) {
                boolean small = i % 2 == 1;
                loops.add(loop(() -> read(small ? plan.smallBudget() : null, false)));
              }
              Customers customers =
                  new Customers(api, fleet, history, tokens, plan.skus(), plan.orderPause());
              plan.customers().forEach(c -> loops.add(loop(customers.orderer(c))));
            });
  }

  /** Stops issuing requests and waits for those in flight. */
  void stop() {
    running = false;
    Api.await(Future.join(List.copyOf(loops)), Duration.ofSeconds(120));
  }

  /** One read of the report at every instance of inventory, marked as a final read. */
  void finalReads(Duration budget) {
    List<Future<Void>> reads = new ArrayList<>();
    for (ServiceProcess p : fleet.instances("inventory")) {
      reads.add(readAt(p, budget == null ? null : budget, true));
    }
    Api.await(Future.join(reads).mapEmpty(), Duration.ofSeconds(30));
  }

  private Future<Void> loop(java.util.function.Supplier<Future<Void>> step) {
    Promise<Void> done = Promise.promise();
    Runnable[] next = new Runnable[1];
    next[0] =
        () -> {
          if (!running) {
            done.complete();
            return;
          }
          step.get().onComplete(r -> next[0].run());
        };
    next[0].run();
    return done.future();
  }

  private java.util.function.Supplier<Future<Void>> renamer(int index) {
    String user = plan.tracked().get(index);
    long[] seq = {0};
    return () -> {
      long s = ++seq[0];
      ServiceProcess p = fleet.pick("users");
      double sent = history.nowMs();
      return api.client()
          .patchAbs(p.url() + "/users/" + user)
          .putHeader("Authorization", admin)
          .timeout(TIMEOUT_MS)
          .sendJsonObject(new JsonObject().put("name", SeedPlan.probeName(index, s)))
          .transform(
              ar -> {
                long ack = History.nowMicros();
                history.add(
                    new History.Write(
                        user,
                        s,
                        p.name(),
                        sent,
                        history.nowMs(),
                        ack,
                        ar.succeeded() ? ar.result().statusCode() : 0,
                        error(ar.succeeded() ? ar.result() : null, ar.cause())));
                return pause(plan.renamePause());
              });
    };
  }

  private Future<Void> read(Duration budget, boolean fin) {
    return readAt(fleet.pick("inventory"), budget, fin).compose(v -> pause(plan.readPause()));
  }

  private Future<Void> readAt(ServiceProcess p, Duration budget, boolean fin) {
    String url =
        SeedPlan.probePage(p.url()) + (budget == null ? "" : "&maxStaleness=" + budget.toString());
    double sent = history.nowMs();
    long sentMicros = History.nowMicros();
    return api.client()
        .getAbs(url)
        .putHeader("Authorization", admin)
        .timeout(TIMEOUT_MS)
        .send()
        .transform(
            ar -> {
              HttpResponse<Buffer> r = ar.succeeded() ? ar.result() : null;
              List<History.Row> rows = List.of();
              String error = error(r, ar.cause());
              if (r != null && r.statusCode() == 200) {
                try {
                  rows = rows(r, plan.tracked());
                } catch (RuntimeException e) {
                  // Recorded, not dropped: a 200 the harness cannot read is a broken answer.
                  error = History.MALFORMED + e;
                }
              }
              history.add(
                  new History.Read(
                      p.name(),
                      budget == null ? null : budget.toMillis(),
                      sent,
                      history.nowMs(),
                      sentMicros,
                      r == null ? 0 : r.statusCode(),
                      error,
                      fin,
                      rows));
              return Future.succeededFuture();
            });
  }

  /** The copied people of an answer; {@code tracked}: who carries which probe number. */
  private static List<History.Row> rows(HttpResponse<Buffer> r, List<String> tracked) {
    List<History.Row> rows = new ArrayList<>();
    JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
    for (int k = 0; k < items.size(); k++) {
      JsonObject by = items.getJsonObject(k).getJsonObject("lastStockedBy");
      if (by == null) {
        continue;
      }
      long[] parsed = SeedPlan.parseProbeName(by.getString("name"));
      JsonObject f = by.getJsonObject("freshness");
      String asOf = f.getString("asOf");
      rows.add(
          new History.Row(
              by.getString("id"),
              parsed == null
                  ? -1
                  : parsed[0] == tracked.indexOf(by.getString("id"))
                      ? parsed[1]
                      : History.SOMEONE_ELSES,
              f.getString("source"),
              asOf == null ? null : History.micros(Instant.parse(asOf)),
              f.getBoolean("stale")));
    }
    return rows;
  }

  Future<Void> pause(Duration d) {
    return pause(api, d);
  }

  static Future<Void> pause(Api api, Duration d) {
    Promise<Void> p = Promise.promise();
    api.vertx().setTimer(Math.max(1, d.toMillis()), id -> p.complete());
    return p.future();
  }

  static String error(HttpResponse<Buffer> r, Throwable cause) {
    if (r == null) {
      return cause == null
          ? "no answer"
          : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
    if (r.statusCode() < 400) {
      return null;
    }
    String body = String.valueOf(r.bodyAsString());
    return body.length() > 300 ? body.substring(0, 300) : body;
  }
}
