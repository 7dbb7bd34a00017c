package dev.stockroom.common.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small blocking HTTP client for tests, on the JDK's client (independent of Vert.x). */
public final class TestHttp {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String baseUrl;

  public TestHttp(int port) {
    this.baseUrl = "http://localhost:" + port;
  }

  public Reply get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  public Reply post(String path, String token, Object body) {
    return send(
        request(path, token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(String.valueOf(body)))
            .build());
  }

  public Reply patch(String path, String token, Object body, Map<String, String> headers) {
    HttpRequest.Builder builder =
        request(path, token)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(String.valueOf(body)));
    headers.forEach(builder::header);
    return send(builder.build());
  }

  public Reply delete(String path, String token) {
    return send(request(path, token).DELETE().build());
  }

  public Reply send(String method, String path, String token, String contentType, String body) {
    HttpRequest.Builder builder =
        request(path, token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return send(builder.build());
  }

  public HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  public Reply send(HttpRequest request) {
    try {
      return new Reply(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A response with its body parsed on demand. */
  public record Reply(HttpResponse<String> raw) {
    public int status() {
      return raw.statusCode();
    }

    public String body() {
      return raw.body();
    }

    public JsonObject json() {
      return new JsonObject(raw.body());
    }

    public JsonArray array(String member) {
      return json().getJsonArray(member);
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return raw.statusCode() + " " + raw.body();
    }
  }
}
