package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.TestServices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("Connection bound")
class AcceptLimitTest {
  private static final int MAX = 16;
  // The acceptor takes connections in batches of up to 16 before the bound can stop it.
  private static final int BATCH = 16;
  private static final int IDLE_CLIENTS = 3 * (MAX + BATCH);

  @Test
  @DisplayName(
      "past HTTP_MAX_CONNECTIONS the server stops accepting, and accepts again once connections"
          + " close; meanwhile probes and metrics are answered on the management port")
  void boundsOpenConnections() throws Exception {
    Map<String, String> env = TestServices.env("acceptlimit");
    env.put("HTTP_MAX_CONNECTIONS", String.valueOf(MAX));
    int management = TestServices.freePort();
    env.put("HTTP_MANAGEMENT_PORT", String.valueOf(management));
    // Connections without a request are not closed for their silence during the test.
    env.put("HTTP_REQUEST_READ_TIMEOUT", "PT2M");
    ListAppender<ILoggingEvent> micrometerLog = listen("io.micrometer");
    ListAppender<ILoggingEvent> limitLog = listen(AcceptLimit.class.getName());
    RunningService service = TestServices.start(PlatformTestService::start, env);
    List<Socket> clients = new ArrayList<>();
    try (Socket observer = new Socket("localhost", service.port())) {
      // The bound's meters are registered after Vert.x's meter filters, as every other meter.
      assertThat(micrometerLog.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .noneMatch(m -> m.contains("MeterFilter is being configured after a Meter"));
      assertThat(exchange(observer, "/health/live")).startsWith("HTTP/1.1 200");

      for (int i = 0; i < IDLE_CLIENTS; i++) {
        // The kernel completes the handshake of a connection the server has not accepted yet.
        clients.add(new Socket("localhost", service.port()));
      }
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(limitLog.list)
                  .extracting(ILoggingEvent::getFormattedMessage)
                  .anyMatch(m -> m.contains("stopped accepting")));
      String metrics = exchange(observer, "/metrics");
      assertThat((int) gauge(metrics, "http_connections_accepted")).isBetween(MAX, MAX + BATCH - 1);
      assertThat(gauge(metrics, "http_accept_pauses_total")).isGreaterThanOrEqualTo(1.0);
      assertThat(gauge(metrics, "http_accept_paused"))
          .as("held at its bound, the server says so for as long as it lasts")
          .isEqualTo(1.0);

      // A probe on the API port waits with every other client (a kubelet would give up on it)...
      try (Socket probe = new Socket("localhost", service.port())) {
        probe.getOutputStream().write(request("/health/live"));
        probe.setSoTimeout(1_000);
        assertThatThrownBy(() -> probe.getInputStream().read())
            .isInstanceOf(SocketTimeoutException.class);
      }
      // ...while the management port, outside the bound, answers the probes and the scrape.
      try (Socket probe = new Socket("localhost", management)) {
        assertThat(exchange(probe, "/health/live")).startsWith("HTTP/1.1 200");
        assertThat(exchange(probe, "/health/ready")).startsWith("HTTP/1.1 200");
        assertThat(gauge(exchange(probe, "/metrics"), "http_connections_accepted"))
            .as("the management port's connections are not counted against the API's bound")
            .isEqualTo(gauge(metrics, "http_connections_accepted"));
      }

      // Once the clients it holds leave, the server accepts again: a new client is answered.
      for (Socket client : clients) {
        client.close();
      }
      try (Socket late = new Socket("localhost", service.port())) {
        assertThat(exchange(late, "/health/live")).startsWith("HTTP/1.1 200");
        assertThat(gauge(exchange(late, "/metrics"), "http_accept_paused")).isEqualTo(0.0);
      }
    } finally {
      for (Socket client : clients) {
        client.close();
      }
      TestServices.stop(service);
      detach("io.micrometer", micrometerLog);
      detach(AcceptLimit.class.getName(), limitLog);
    }
  }

  private static byte[] request(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** One request on a kept-alive connection; the response read up to its Content-Length. */
  private static String exchange(Socket socket, String path) throws IOException {
    socket.getOutputStream().write(request(path));
    socket.setSoTimeout(10_000);
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    while (true) {
      String text = read.toString(StandardCharsets.UTF_8);
      int headEnd = text.indexOf("\r\n\r\n");
      if (headEnd >= 0) {
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        if (length.find() && read.size() >= headEnd + 4 + Integer.parseInt(length.group(1))) {
          return text;
        }
      }
      int n = in.read(chunk);
      if (n < 0) {
        return read.toString(StandardCharsets.UTF_8);
      }
      read.write(chunk, 0, n);
    }
  }

  private static double gauge(String metrics, String name) {
    Matcher value = Pattern.compile("(?m)^" + name + "\\{[^}]*} (\\S+)$").matcher(metrics);
    assertThat(value.find()).as(name + " in /metrics").isTrue();
    return Double.parseDouble(value.group(1));
  }

  private static ListAppender<ILoggingEvent> listen(String logger) {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(logger)).addAppender(appender);
    return appender;
  }

  private static void detach(String logger, ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger(logger)).detachAppender(appender);
  }
}
