package dev.stockroom.orders.saga;

import dev.stockroom.common.http.Downstreams;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * HTTP calls to a participant, single or batched, through the downstream's circuit breaker (shared
 * by the process), answered as outcomes: transport failures, timeouts and 5xx count towards opening
 * the breaker and, like an open breaker, are transient for the saga. Answers below 500 are the
 * participant's word and are classified by the caller's refusals, not counted.
 */
final class ParticipantCalls {
  private final WebClient client;
  private final Downstreams downstreams;
  private final Supplier<String> token;
  private final Duration timeout;

  ParticipantCalls(
      WebClient client, Downstreams downstreams, Supplier<String> token, Duration timeout) {
    this.client = client;
    this.downstreams = downstreams;
    this.token = token;
    this.timeout = timeout;
  }

  Future<Outcome> single(
      HttpMethod method, String downstream, String url, JsonObject body, Refusals refusals) {
    return downstreams
        .call(downstream, () -> send(method, url, body))
        .map(r -> outcome(r.statusCode(), okBody(r), detail(r), refusals))
        .otherwise(e -> new Outcome.Transient(method + " " + url + ": " + e.getMessage()));
  }

  /**
   * One call for many items ({@code {field: items}}), one outcome per item in order, each
   * classified as the single call's answer would be. A batch refused as a whole (a participant
   * without the batch endpoint, or one item it finds invalid) is not every item's refusal: each
   * item is then sent alone with {@code single}.
   */
  Future<List<Outcome>> batch(
      String downstream,
      String url,
      String field,
      List<Object> items,
      Refusals refusals,
      IntFunction<Future<Outcome>> single) {
    JsonObject body = new JsonObject().put(field, new JsonArray(new ArrayList<>(items)));
    return downstreams
        .call(downstream, () -> send(HttpMethod.POST, url, body))
        .compose(
            r ->
                r.statusCode() == 200
                    ? Future.succeededFuture(results(r, items.size(), refusals))
                    : oneByOne(items.size(), single))
        .otherwise(
            e ->
                Collections.nCopies(
                    items.size(), new Outcome.Transient("POST " + url + ": " + e.getMessage())));
  }

  private static Future<List<Outcome>> oneByOne(int size, IntFunction<Future<Outcome>> single) {
    List<Future<Outcome>> each = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      each.add(single.apply(i));
    }
    return Future.all(each).map(all -> all.<Outcome>list());
  }

  private static List<Outcome> results(HttpResponse<Buffer> response, int size, Refusals refusals) {
    JsonArray results = response.bodyAsJsonObject().getJsonArray("results");
    if (results.size() != size) {
      throw new IllegalStateException(results.size() + " results for " + size + " items");
    }
    List<Outcome> outcomes = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      JsonObject result = results.getJsonObject(i);
      int status = result.getInteger("status");
      JsonObject problem = result.getJsonObject("problem", new JsonObject());
      outcomes.add(
          outcome(
              status,
              result.getJsonObject("body", new JsonObject()),
              problem.getString("detail", "status " + status),
              refusals));
    }
    return outcomes;
  }

  private Future<HttpResponse<Buffer>> send(HttpMethod method, String url, JsonObject body) {
    var request =
        client
            .requestAbs(method, url)
            .bearerTokenAuthentication(token.get())
            .timeout(timeout.toMillis());
    Future<HttpResponse<Buffer>> response =
        body == null ? request.send() : request.sendJsonObject(body);
    return response.compose(
        r ->
            r.statusCode() >= 500
                ? Future.failedFuture(r.statusCode() + ": " + detail(r))
                : Future.succeededFuture(r));
  }

  private static Outcome outcome(int status, JsonObject okBody, String detail, Refusals refusals) {
    if (status >= 200 && status < 300) {
      return new Outcome.Ok(okBody);
    }
    Rejection refusal = status >= 400 && status < 500 ? refusals.known().apply(status) : null;
    if (refusal != null) {
      return new Outcome.Refused(refusal, detail, status);
    }
    if (refusals.unexpectedEndsTheStep()
        && status >= 400
        && status < 500
        && status != 408
        && status != 429) {
      // A 4xx nobody expects is a bug on one side; retrying will not fix it.
      return new Outcome.Refused(
          Rejection.DEPENDENCY_UNAVAILABLE, "unexpected " + status + ": " + detail, status);
    }
    return new Outcome.Transient(status + ": " + detail);
  }

  /**
   * How a step reads a participant's 4xx: the refusals it knows ({@code known}: null for any other
   * status), and whether any other 4xx ends the step as a refusal too.
   */
  record Refusals(Function<Integer, Rejection> known, boolean unexpectedEndsTheStep) {
    /** An unexpected 4xx is a bug on one side: the step ends, refused. */
    static Refusals ending(Function<Integer, Rejection> known) {
      return new Refusals(known, true);
    }

    /**
     * Only the participant's own refusals end the step; any other 4xx (a 401 while a key is
     * rotated, a 405 mid-deploy) is retried. For a step that cannot be given back once it landed: a
     * capture whose answer was lost may have charged the customer, and a compensation then would
     * return the stock of an order that was paid for.
     */
    static Refusals retrying(Function<Integer, Rejection> known) {
      return new Refusals(known, false);
    }
  }

  private static JsonObject okBody(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status < 200 || status >= 300 || response.body() == null || response.body().length() == 0) {
      return new JsonObject();
    }
    return response.bodyAsJsonObject();
  }

  private static String detail(HttpResponse<Buffer> response) {
    try {
      return response.bodyAsJsonObject().getString("detail", response.statusMessage());
    } catch (RuntimeException e) {
      return response.statusMessage();
    }
  }
}
