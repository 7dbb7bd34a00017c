package dev.stockroom.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/** The harness's HTTP client (seeding, warm-up, the lag probe): Vert.x, keep-alive, bounded. */
public final class Api implements AutoCloseable {
  private final Vertx vertx;
  private final WebClient client;

  public Api(Vertx vertx, int connections) {
    this.vertx = vertx;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions().setKeepAlive(true).setConnectTimeout(5000),
            new PoolOptions().setHttp1MaxSize(connections));
  }

  public Vertx vertx() {
    return vertx;
  }

  public WebClient client() {
    return client;
  }

  /** Sends and expects one of the given statuses; the body as JSON (null when empty). */
  public Future<JsonObject> call(
      HttpMethod method, String url, String bearer, JsonObject body, int... expected) {
    return call(method, url, bearer, java.util.Map.of(), body, expected);
  }

  /** As above, with extra request headers (e.g. {@code Idempotency-Key}). */
  public Future<JsonObject> call(
      HttpMethod method,
      String url,
      String bearer,
      java.util.Map<String, String> headers,
      JsonObject body,
      int... expected) {
    HttpRequest<Buffer> request = client.requestAbs(method, url).timeout(30_000);
    if (bearer != null) {
      request.putHeader("Authorization", bearer);
    }
    headers.forEach(request::putHeader);
    Future<HttpResponse<Buffer>> sent =
        body == null ? request.send() : request.sendJsonObject(body);
    return sent.compose(
        response -> {
          for (int status : expected) {
            if (response.statusCode() == status) {
              Buffer b = response.body();
              return Future.succeededFuture(b == null || b.length() == 0 ? null : b.toJsonObject());
            }
          }
          return Future.failedFuture(
              method
                  + " "
                  + url
                  + " answered "
                  + response.statusCode()
                  + ": "
                  + response.bodyAsString());
        });
  }

  /**
   * Runs {@code work} for every item with at most {@code concurrency} in flight, retrying each
   * failed item up to twice; results in input order. Fails with the first item that failed three
   * times.
   */
  public <T, R> Future<List<R>> map(List<T> items, int concurrency, Function<T, Future<R>> work) {
    io.vertx.core.Promise<List<R>> done = io.vertx.core.Promise.promise();
    if (items.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    AtomicReferenceArray<R> results = new AtomicReferenceArray<>(items.size());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    Runnable[] pump = new Runnable[1];
    pump[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= items.size()) {
            return;
          }
          attempt(items.get(i), work, 3)
              .onComplete(
                  (r, e) -> {
                    if (e != null) {
                      done.tryFail(e);
                      return;
                    }
                    results.set(i, r);
                    if (finished.incrementAndGet() == items.size()) {
                      List<R> list = new ArrayList<>(items.size());
                      for (int k = 0; k < items.size(); k++) {
                        list.add(results.get(k));
                      }
                      done.tryComplete(list);
                    } else {
                      pump[0].run();
                    }
                  });
        };
    vertx.runOnContext(
        v -> {
          for (int k = 0; k < Math.min(concurrency, items.size()); k++) {
            pump[0].run();
          }
        });
    return done.future();
  }

  private static <T, R> Future<R> attempt(T item, Function<T, Future<R>> work, int left) {
    return work.apply(item)
        .recover(e -> left > 1 ? attempt(item, work, left - 1) : Future.failedFuture(e));
  }

  /** Blocks a non-Vert.x thread (the orchestrator) on a future. */
  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("did not complete within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
