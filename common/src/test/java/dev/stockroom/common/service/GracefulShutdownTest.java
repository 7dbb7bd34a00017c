package dev.stockroom.common.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.HalfSentRequest;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Graceful shutdown")
class GracefulShutdownTest {

  @Test
  @DisplayName("readiness turns 503 at once while an in-flight request still completes")
  void drainsInFlightRequests() throws Exception {
    Map<String, String> env = TestServices.env("shutdown");
    env.put("SHUTDOWN_GRACE", "PT1S");
    env.put("SHUTDOWN_DRAIN_TIMEOUT", "PT10S");
    RunningService service = TestServices.start(PlatformTestService::start, env);
    TestHttp http = new TestHttp(service.port());
    assertThat(http.get("/health/ready", null).status()).isEqualTo(200);

    String body = "{\"name\":\"in-flight\",\"count\":1}";
    // The head and part of the body are sent: the request is now in flight.
    try (HalfSentRequest inFlight =
        new HalfSentRequest(service.port(), "/things", TestTokens.admin(), body, 10)) {
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () -> assertThat(http.get("/health/live", null).status()).isEqualTo(200));

      Future<Void> stopping = service.stop();
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () -> assertThat(http.get("/health/ready", null).status()).isEqualTo(503));
      // After the grace the server stops accepting new connections...
      Eventually.waitFor(
          Duration.ofSeconds(10),
          () -> refusesConnections(service.port()),
          "the server to stop accepting");
      assertThat(stopping.isComplete()).isFalse();

      // ...yet the request that was already in flight is answered.
      assertThat(inFlight.finish()).isEqualTo("HTTP/1.1 201 Created");
      TestServices.await(stopping, Duration.ofSeconds(20));
    }
  }

  @Test
  @DisplayName(
      "while draining, a request refused by the platform's first checks (a query that is not"
          + " percent-encoding) is also answered with Connection: close, and the connection closes")
  void earlyRefusalsCloseWhileDraining() throws Exception {
    Map<String, String> env = TestServices.env("shutdown_early");
    env.put("SHUTDOWN_GRACE", "PT5S");
    RunningService service = TestServices.start(PlatformTestService::start, env);
    TestHttp http = new TestHttp(service.port());
    try (Socket client = new Socket("localhost", service.port())) {
      client.setSoTimeout(5_000);
      Future<Void> stopping = service.stop();
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () -> assertThat(http.get("/health/ready", null).status()).isEqualTo(503));
      client
          .getOutputStream()
          .write(
              "GET /things/1?name=%ZZ HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String head = head(client.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 400");
      // Before, this 400 (and Admission's 503) kept the keep-alive connection on the leaving pod.
      assertThat(head.toLowerCase(Locale.ROOT)).contains("connection: close");
      int length = contentLength(head);
      assertThat(client.getInputStream().readNBytes(length)).hasSize(length);
      assertThat(client.getInputStream().read()).as("the connection is closed").isEqualTo(-1);
      TestServices.await(stopping, Duration.ofSeconds(20));
    }
  }

  private static String head(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("an answer's head, got: " + head).isNotEqualTo(-1);
      head.append((char) b);
    }
    return head.toString();
  }

  private static int contentLength(String head) {
    return head.lines()
        .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
        .mapToInt(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim()))
        .findFirst()
        .orElse(0);
  }

  private static boolean refusesConnections(int port) {
    try (Socket probe = new Socket("localhost", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return true;
    }
  }
}
