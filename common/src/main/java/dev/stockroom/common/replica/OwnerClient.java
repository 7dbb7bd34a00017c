package dev.stockroom.common.replica;

import dev.stockroom.common.http.Downstreams;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The fallback to the owner: ONE batched lookup ({@link OwnerApi}) per read for all its misses,
 * concurrent misses for the same id joined onto the call already in flight, through the owner's
 * circuit breaker (one per process, {@link Downstreams}) with a short timeout and a bulkhead that
 * bounds concurrent calls. Confined to one event loop (one per verticle instance), so its maps need
 * no locks.
 */
public final class OwnerClient {
  private static final int MAX_IDS_PER_CALL = 200;

  private final WebClient client;
  private final String collectionUrl;
  private final OwnerApi api;
  private final Supplier<String> token;
  private final Downstreams downstreams;
  private final int maxConcurrent;
  private final ReplicaSettings settings;
  private final FallbackMetrics metrics;
  private final Map<UUID, Future<OwnerAnswer>> inFlight = new HashMap<>();
  private int active;

  public OwnerClient(
      WebClient client,
      ReplicaSettings settings,
      OwnerApi api,
      Supplier<String> token,
      Downstreams downstreams,
      MeterRegistry registry) {
    this.client = client;
    this.collectionUrl = settings.ownerUrl() + api.path();
    this.api = api;
    this.token = token;
    this.settings = settings;
    this.downstreams = downstreams;
    downstreams.declare(settings.owner());
    this.maxConcurrent = settings.fallbackConcurrency();
    this.metrics = new FallbackMetrics(registry);
  }

  /** The owner's current state of each id, and as of when. */
  public Future<Map<UUID, OwnerAnswer>> fetch(Collection<UUID> ids) {
    Map<UUID, Future<OwnerAnswer>> waits = new HashMap<>();
    List<UUID> toAsk = new ArrayList<>();
    for (UUID id : ids) {
      Future<OwnerAnswer> pending = inFlight.get(id);
      if (pending != null) {
        waits.put(id, pending);
      } else {
        toAsk.add(id);
      }
    }
    for (int from = 0; from < toAsk.size(); from += MAX_IDS_PER_CALL) {
      List<UUID> chunk = toAsk.subList(from, Math.min(toAsk.size(), from + MAX_IDS_PER_CALL));
      Future<Map<UUID, OwnerAnswer>> call = call(List.copyOf(chunk));
      for (UUID id : chunk) {
        Future<OwnerAnswer> one = call.map(found -> found.get(id));
        inFlight.put(id, one);
        waits.put(id, one);
      }
      call.onComplete((v, e) -> chunk.forEach(inFlight::remove));
    }
    return Future.all(new ArrayList<>(waits.values()))
        .map(
            all -> {
              Map<UUID, OwnerAnswer> result = new HashMap<>();
              waits.forEach((id, f) -> result.put(id, f.result()));
              return result;
            });
  }

  private Future<Map<UUID, OwnerAnswer>> call(List<UUID> ids) {
    if (active >= maxConcurrent) {
      metrics.outcome("rejected");
      return Future.failedFuture("bulkhead full: " + active + " fallback calls in flight");
    }
    active++;
    String query = ids.stream().map(UUID::toString).collect(Collectors.joining(","));
    // The HTTP timeout is the only one: the slot is given back when the call has really ended.
    return downstreams
        .<Map<UUID, OwnerAnswer>>call(
            settings.owner(),
            () ->
                client
                    .getAbs(collectionUrl)
                    .addQueryParam("ids", query)
                    .bearerTokenAuthentication(token.get())
                    .timeout(settings.fallbackTimeout().toMillis())
                    .send()
                    .expecting(HttpResponseExpectation.SC_OK)
                    .map(this::byId))
        .onComplete(
            (result, failure) -> {
              active--;
              metrics.outcome(
                  failure == null
                      ? "success"
                      : failure instanceof OpenCircuitException ? "open" : "failure");
            });
  }

  /** One page of the owner's records, and the id to go on after (none on the last page). */
  /**
   * @param asOf the owner's time as of which the page is current (its clock, as consistency tokens
   *     are); null from an owner that does not say
   */
  public record Page(List<JsonObject> records, UUID next, Instant asOf) {}

  /**
   * One page of all the owner's records, for reconciliation (no breaker: it is not on a request
   * path).
   */
  public Future<Page> page(UUID after, int limit) {
    var request =
        client
            .getAbs(collectionUrl)
            .addQueryParam("limit", Integer.toString(limit))
            .bearerTokenAuthentication(token.get())
            .timeout(Duration.ofSeconds(30).toMillis());
    if (after != null) {
      request.addQueryParam("after", after.toString());
    }
    return request
        .send()
        .expecting(HttpResponseExpectation.SC_OK)
        .map(HttpResponse::bodyAsJsonObject)
        .map(
            body -> {
              List<JsonObject> records = new ArrayList<>();
              api.records(body).forEach(r -> records.add((JsonObject) r));
              String next = body.getString("next");
              String asOf = body.getString("asOf");
              return new Page(
                  records,
                  next == null ? null : UUID.fromString(next),
                  asOf == null ? null : Instant.parse(asOf));
            });
  }

  private Map<UUID, OwnerAnswer> byId(HttpResponse<?> response) {
    JsonObject body = response.bodyAsJsonObject();
    // The owner says as of when (its clock); an owner that does not is taken as of now.
    String asOfText = body.getString("asOf");
    Instant asOf = asOfText == null ? Instant.now() : Instant.parse(asOfText);
    Map<UUID, OwnerAnswer> result = new HashMap<>();
    api.records(body)
        .forEach(
            r -> {
              JsonObject record = (JsonObject) r;
              result.put(UUID.fromString(record.getString("id")), new OwnerAnswer(record, asOf));
            });
    body.getJsonArray("missing")
        .forEach(id -> result.put(UUID.fromString((String) id), new OwnerAnswer(null, asOf)));
    return result;
  }
}
