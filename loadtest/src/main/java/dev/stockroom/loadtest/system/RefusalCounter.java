package dev.stockroom.loadtest.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * How many requests a service answered 503 (refused under overload: too many in flight, or its
 * database wait queue full), read from its Prometheus endpoint as an operator would.
 */
public final class RefusalCounter {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RefusalCounter() {}

  /** The service's total of 503 answers since it started; 0 when the metrics are unreadable. */
  public static long refused(String serviceUrl) {
    try {
      HttpResponse<String> metrics =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(serviceUrl + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return sum503(metrics.body());
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  static long sum503(String prometheusText) {
    return Math.round(
        prometheusText
            .lines()
            .filter(l -> l.startsWith("vertx_http_server_requests_total{"))
            .filter(l -> l.contains("code=\"503\""))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
            .sum());
  }
}
