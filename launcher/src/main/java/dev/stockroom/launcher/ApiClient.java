package dev.stockroom.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A blocking JSON client on the JDK's HTTP client. The demo seeds through the public APIs, as a
 * user would, so seeding also proves that routes, validation and auth work end to end.
 */
final class ApiClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A response: status and body (JSON or problem+json). */
  record Reply(int status, String body) {
    JsonObject json() {
      try {
        return body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
      } catch (DecodeException e) {
        return new JsonObject().put("detail", body);
      }
    }

    /** The problem's detail (or title) for one-line messages. */
    String problem() {
      JsonObject json = json();
      return status + " " + json.getString("detail", json.getString("title", ""));
    }
  }

  Reply get(String url, String token) {
    return send(request(url, token).GET().build());
  }

  Reply post(String url, String token, JsonObject body) {
    return post(request(url, token), body);
  }

  /** A POST the service applies once per {@code key}, however often it is sent. */
  Reply post(String url, String token, JsonObject body, String idempotencyKey) {
    return post(request(url, token).header("Idempotency-Key", idempotencyKey), body);
  }

  private Reply post(HttpRequest.Builder request, JsonObject body) {
    return send(
        request
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build());
  }

  private static HttpRequest.Builder request(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(TIMEOUT)
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + token);
  }

  private Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new StartupException(
          request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException(request.method() + " " + request.uri() + " interrupted", e);
    }
  }
}
