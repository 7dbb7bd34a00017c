package dev.stockroom.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Reads after writes: renames a probe person through users, then at once reads inventory's report
 * with the consistency token the write answered (default wait), and records where the person's row
 * came from (the replica after waiting, or users), whether it showed the new name, and how long the
 * read took. Each round also reads the same page without a token and with {@code
 * maxStaleness=PT0S}, so the token's price is measured against both. Several chains run at once,
 * each one round after the other; everything on one event loop.
 */
public final class ReadYourWritesProbe {
  /** What the reads with a token saw, and the three latency series. */
  public record Result(
      long rounds,
      long fromReplica,
      long fromOwner,
      long stale,
      long wrongName,
      long unsatisfied,
      long failed,
      LatencyStats withToken,
      LatencyStats withoutToken,
      LatencyStats askOwner) {}

  private final Api api;
  private final String usersUrl;
  private final String pollUrl;
  private final String admin;
  private final List<String> probes;

  public ReadYourWritesProbe(Api api, Urls urls, Tokens tokens, List<String> probes) {
    this.api = api;
    this.usersUrl = urls.users();
    this.pollUrl = SeedPlan.probePage(urls.inventory());
    this.admin = tokens.bearer("loadtest-read-your-writes", "admin");
    this.probes = List.copyOf(probes);
  }

  /** Blocking: {@code chains} chains of rounds for {@code seconds}. */
  public Result run(int chains, double seconds) {
    Context ctx = api.vertx().getOrCreateContext();
    Promise<Result> done = Promise.promise();
    ctx.runOnContext(v -> new Run(chains, seconds, done).start());
    return Api.await(done.future(), Duration.ofSeconds((long) seconds + 60));
  }

  private final class Run {
    private final int chains;
    private final double seconds;
    private final Promise<Result> done;
    private final Histogram withToken = new Histogram(1, 600_000_000L, 3);
    private final Histogram withoutToken = new Histogram(1, 600_000_000L, 3);
    private final Histogram askOwner = new Histogram(1, 600_000_000L, 3);
    private long start;
    private long rounds;
    private long fromReplica;
    private long fromOwner;
    private long stale;
    private long wrongName;
    private long unsatisfied;
    private long failed;
    private int running;
    private long seq = 1_000_000_000L; // above the lag probe's sequence numbers

    Run(int chains, double seconds, Promise<Result> done) {
      this.chains = chains;
      this.seconds = seconds;
      this.done = done;
    }

    void start() {
      start = System.nanoTime();
      for (int c = 0; c < chains; c++) {
        running++;
        round(c);
      }
    }

    private void round(int chain) {
      if ((System.nanoTime() - start) / 1e9 >= seconds) {
        if (--running == 0) {
          finish();
        }
        return;
      }
      int i = chain % probes.size();
      long mine = ++seq;
      String name = SeedPlan.probeName(i, mine);
      api.client()
          .patchAbs(usersUrl + "/users/" + probes.get(i))
          .putHeader("Authorization", admin)
          .timeout(10_000)
          .sendJsonObject(new JsonObject().put("name", name))
          .compose(patched -> readWithToken(patched, i, name))
          .compose(v -> timed(pollUrl, withoutToken))
          .compose(v -> timed(pollUrl + "&maxStaleness=PT0S", askOwner))
          .onComplete(
              (v, e) -> {
                rounds++;
                if (e != null) {
                  failed++;
                }
                round(chain);
              });
    }

    private Future<Void> readWithToken(HttpResponse<Buffer> patched, int i, String name) {
      String token = patched.getHeader("Stockroom-Consistency");
      if (patched.statusCode() != 200 || token == null) {
        return Future.failedFuture("PATCH answered " + patched.statusCode());
      }
      long sent = System.nanoTime();
      return api.client()
          .getAbs(pollUrl)
          .putHeader("Authorization", admin)
          .putHeader("Stockroom-Consistency", token)
          .timeout(10_000)
          .send()
          .map(
              r -> {
                withToken.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
                observe(r, probes.get(i), name);
                return null;
              });
    }

    private void observe(HttpResponse<Buffer> r, String id, String name) {
      JsonObject body = r.bodyAsJsonObject();
      if (!body.getJsonObject("consistency", new JsonObject()).getBoolean("satisfied", false)) {
        unsatisfied++;
      }
      JsonArray items = body.getJsonArray("items");
      for (int k = 0; k < items.size(); k++) {
        JsonObject by = items.getJsonObject(k).getJsonObject("lastStockedBy");
        if (by == null || !id.equals(by.getString("id"))) {
          continue;
        }
        JsonObject freshness = by.getJsonObject("freshness");
        if (freshness.getBoolean("stale")) {
          stale++;
        } else if ("owner".equals(freshness.getString("source"))) {
          fromOwner++;
        } else {
          fromReplica++;
        }
        if (!name.equals(by.getString("name"))) {
          wrongName++;
        }
        return;
      }
    }

    private Future<Void> timed(String url, Histogram into) {
      long sent = System.nanoTime();
      return api.client()
          .getAbs(url)
          .putHeader("Authorization", admin)
          .timeout(10_000)
          .send()
          .map(
              r -> {
                into.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
                return null;
              });
    }

    private void finish() {
      double elapsed = (System.nanoTime() - start) / 1e9;
      done.complete(
          new Result(
              rounds,
              fromReplica,
              fromOwner,
              stale,
              wrongName,
              unsatisfied,
              failed,
              LatencyStats.fromMicros("report with the writer's token", withToken, 0, elapsed),
              LatencyStats.fromMicros("report without a token", withoutToken, 0, elapsed),
              LatencyStats.fromMicros("report with maxStaleness=PT0S", askOwner, 0, elapsed)));
    }
  }
}
