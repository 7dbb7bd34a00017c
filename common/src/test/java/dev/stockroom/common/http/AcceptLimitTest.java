package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("Connection bound")
class AcceptLimitTest {
  private static final int MAX = 16;
  // The acceptor takes connections in batches of up to 16 before the bound can stop it.
  private static final int BATCH = 16;
  private static final int CLIENTS = 3 * (MAX + BATCH);

  @Test
  @DisplayName(
      "past HTTP_MAX_CONNECTIONS the server stops accepting; once connections close it accepts"
          + " the waiting ones")
  void boundsOpenConnections() throws Exception {
    Map<String, String> env = TestServices.env("acceptlimit");
    env.put("HTTP_MAX_CONNECTIONS", String.valueOf(MAX));
    Logger micrometer = (Logger) LoggerFactory.getLogger("io.micrometer");
    ListAppender<ILoggingEvent> micrometerLog = new ListAppender<>();
    micrometerLog.start();
    micrometer.addAppender(micrometerLog);
    RunningService service;
    try {
      service = TestServices.start(PlatformTestService::start, env);
    } finally {
      micrometer.detachAppender(micrometerLog);
    }
    // The bound's meters are registered after Vert.x's meter filters, as every other meter.
    assertThat(micrometerLog.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(m -> m.contains("MeterFilter is being configured after a Meter"));
    List<Socket> clients = new ArrayList<>();
    try {
      for (int i = 0; i < CLIENTS; i++) {
        // The kernel completes the handshake for a connection the server has not accepted yet.
        Socket client = new Socket("localhost", service.port());
        client
            .getOutputStream()
            .write(
                "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.UTF_8));
        clients.add(client);
      }

      int answered = settledCount(clients);
      assertThat(answered).isBetween(MAX, MAX + BATCH - 1);

      List<Socket> served = clients.stream().filter(AcceptLimitTest::answered).toList();
      for (Socket client : served) {
        client.close();
      }
      List<Socket> waiting = clients.stream().filter(c -> !c.isClosed()).toList();
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(waiting.stream().filter(AcceptLimitTest::answered).count())
                  .isGreaterThanOrEqualTo(MAX));

      for (Socket client : clients) {
        client.close();
      }
      String metrics = new TestHttp(service.port()).get("/metrics", null).body();
      assertThat(metrics)
          .containsPattern("http_accept_pauses_total\\{[^}]*} [1-9]")
          .contains("http_connections_accepted{");
    } finally {
      for (Socket client : clients) {
        client.close();
      }
      TestServices.stop(service);
    }
  }

  /** How many clients got an answer, once that number stopped changing for half a second. */
  private static int settledCount(List<Socket> clients) {
    int[] last = {-1};
    long[] since = {System.nanoTime()};
    return Eventually.waitFor(
        Duration.ofSeconds(15),
        () -> {
          int now = (int) clients.stream().filter(AcceptLimitTest::answered).count();
          if (now != last[0] || now == 0) {
            last[0] = now;
            since[0] = System.nanoTime();
            return null;
          }
          return System.nanoTime() - since[0] >= Duration.ofMillis(500).toNanos() ? now : null;
        },
        "the number of answered clients to settle");
  }

  private static boolean answered(Socket client) {
    try {
      return !client.isClosed() && client.getInputStream().available() > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
