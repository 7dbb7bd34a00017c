package dev.stockroom.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The replication-lag probe: changes the names of the probe people at a steady rate through users'
 * API and reads inventory's low-stock report (the probe items, through a cursor just before them,
 * filtered to the probe stockers) over and over, a fixed gap after each answer. A change counts as
 * visible when a report response shows that name or a later one of the same person; its lag is from
 * sending the PATCH to receiving that report response (so it includes the write's own latency and
 * up to one gap and one read of resolution). Reading back to back instead kept the machine busy
 * with the probe's own 200-item pages (~280 a second) and measured that contention more than the
 * pipeline. Everything runs on one event loop, so no locks. {@link #run} may be called again: the
 * sequence numbers carry on.
 */
public final class LagProbe {
  /** The outcome: lag and write latency, and how well the probe kept its rate. */
  public record Result(
      LatencyStats lag,
      LatencyStats writes,
      long sent,
      long failedWrites,
      long unseen,
      double targetRate,
      double achievedRate,
      long polls,
      double meanPollMs) {}

  private record Pending(long seq, long sentNanos) {}

  private final Api api;
  private final String usersUrl;
  private final String pollUrl;
  private final String admin;
  private final List<String> probes;
  private final Map<String, Integer> probeIndex = new HashMap<>();
  private final long pollGapMs;
  // Across runs: a warm-up run's names are already in the report when the measured run starts.
  private final long[] nextSeq;
  private final long[] seenSeq;

  public LagProbe(Api api, Urls urls, Tokens tokens, List<String> probes, long pollGapMs) {
    this.api = api;
    this.usersUrl = urls.users();
    this.pollUrl = SeedPlan.probePage(urls.inventory());
    this.admin = tokens.bearer("loadtest-lag-probe", "admin");
    this.probes = List.copyOf(probes);
    this.pollGapMs = pollGapMs;
    this.nextSeq = new long[probes.size()];
    this.seenSeq = new long[probes.size()];
    for (int i = 0; i < probes.size(); i++) {
      probeIndex.put(probes.get(i), i);
    }
  }

  /** Blocking: runs for {@code seconds} at {@code rate} updates/s, then waits for stragglers. */
  public Result run(double rate, double seconds) {
    Context ctx = api.vertx().getOrCreateContext();
    Promise<Result> done = Promise.promise();
    ctx.runOnContext(v -> new Run(ctx, rate, seconds, done).start());
    return Api.await(done.future(), Duration.ofSeconds((long) seconds + 60));
  }

  private final class Run {
    private final Context ctx;
    private final double rate;
    private final double seconds;
    private final Promise<Result> done;
    private final Histogram lag = new Histogram(1, 600_000_000L, 3);
    private final Histogram writes = new Histogram(1, 600_000_000L, 3);
    private final List<ArrayDeque<Pending>> pending;
    private long start;
    private long sent;
    private long failedWrites;
    private long inFlight;
    private long polls;
    private long pollNanos;
    private boolean sending = true;
    private long timer;

    Run(Context ctx, double rate, double seconds, Promise<Result> done) {
      this.ctx = ctx;
      this.rate = rate;
      this.seconds = seconds;
      this.done = done;
      this.pending = probes.stream().map(p -> new ArrayDeque<Pending>()).toList();
    }

    void start() {
      start = System.nanoTime();
      timer = ctx.owner().setPeriodic(1, id -> tick());
      poll();
    }

    private void tick() {
      long now = System.nanoTime();
      double elapsed = (now - start) / 1e9;
      if (elapsed >= seconds) {
        if (sending) {
          sending = false;
          ctx.owner().cancelTimer(timer);
          // Stragglers get 10 s to show up; whatever is left by then counts as unseen.
          ctx.owner().setTimer(10_000, id -> finish());
        }
        return;
      }
      long due = (long) (rate * elapsed) - sent;
      for (long k = 0; k < due && inFlight < 1024; k++) {
        send(now);
      }
    }

    private void send(long now) {
      int i = (int) (sent % probes.size());
      long seq = ++nextSeq[i];
      sent++;
      inFlight++;
      pending.get(i).add(new Pending(seq, now));
      api.client()
          .patchAbs(usersUrl + "/users/" + probes.get(i))
          .putHeader("Authorization", admin)
          .timeout(10_000)
          .sendJsonObject(new JsonObject().put("name", SeedPlan.probeName(i, seq)))
          .onComplete(
              (r, e) -> {
                inFlight--;
                if (e != null || r.statusCode() != 200) {
                  failedWrites++;
                  pending.get(i).removeIf(p -> p.seq() == seq);
                } else {
                  writes.recordValue(Math.max(1, (System.nanoTime() - now) / 1000));
                }
              });
    }

    private void poll() {
      long sentAt = System.nanoTime();
      api.client()
          .getAbs(pollUrl)
          .putHeader("Authorization", admin)
          .timeout(10_000)
          .send()
          .onComplete(
              (r, e) -> {
                long now = System.nanoTime();
                polls++;
                pollNanos += now - sentAt;
                if (e == null && r.statusCode() == 200) {
                  observe(r, now);
                }
                if (!done.future().isComplete()) {
                  if (!sending && allSeen()) {
                    finish();
                  } else if (pollGapMs > 0) {
                    ctx.owner().setTimer(pollGapMs, id -> poll());
                  } else {
                    poll();
                  }
                }
              });
    }

    private void observe(HttpResponse<Buffer> r, long now) {
      JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
      for (int k = 0; k < items.size(); k++) {
        JsonObject by = items.getJsonObject(k).getJsonObject("lastStockedBy");
        if (by == null) {
          continue;
        }
        Integer i = probeIndex.get(by.getString("id"));
        long[] parsed = SeedPlan.parseProbeName(by.getString("name"));
        if (i == null || parsed == null || parsed[1] <= seenSeq[i]) {
          continue;
        }
        seenSeq[i] = parsed[1];
        ArrayDeque<Pending> q = pending.get(i);
        while (!q.isEmpty() && q.peek().seq() <= parsed[1]) {
          lag.recordValue(Math.max(1, (now - q.poll().sentNanos()) / 1000));
        }
      }
    }

    private boolean allSeen() {
      return inFlight == 0 && pending.stream().allMatch(ArrayDeque::isEmpty);
    }

    private void finish() {
      if (done.future().isComplete()) {
        return;
      }
      long unseen = pending.stream().mapToLong(ArrayDeque::size).sum();
      double elapsed = Math.min(seconds, (System.nanoTime() - start) / 1e9);
      done.complete(
          new Result(
              LatencyStats.fromMicros("user change visible in the report", lag, unseen, elapsed),
              LatencyStats.fromMicros("PATCH /users/{id}", writes, failedWrites, elapsed),
              sent,
              failedWrites,
              unseen,
              rate,
              sent / Math.max(elapsed, 1e-9),
              polls,
              polls == 0 ? 0 : pollNanos / 1e6 / polls));
    }
  }
}
