package dev.stockroom.common.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Clients that send slowly, or not at all, must not take the service from everyone else. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Slow and unauthenticated clients")
class SlowClientsTest {
  private static final int SLOTS = 8;
  private static final int PER_CLIENT = 16;

  /** Linux routes all of 127/8 to the loopback: a second client address on this machine. */
  private static final String OTHER_CLIENT = "127.0.0.2";

  private RunningService service;
  private TestHttp http;
  private Map<String, String> env;
  private final String admin = TestTokens.admin();

  @BeforeAll
  void start() {
    env = TestServices.env("slow_clients");
    env.put("HTTP_INSTANCES", "1");
    env.put("HTTP_MAX_IN_FLIGHT", Integer.toString(SLOTS));
    env.put("HTTP_REQUEST_READ_TIMEOUT", "PT1S");
    env.put("HTTP_UNAUTHENTICATED_CONNECTIONS_PER_CLIENT", Integer.toString(PER_CLIENT));
    service = TestServices.start(PlatformTestService::start, env);
    http = new TestHttp(service.port());
  }

  @AfterAll
  void stop() {
    TestServices.stop(service);
  }

  @Test
  @DisplayName(
      "unauthenticated bodies trickling on 8x the admission slots get 401 at once, and an authenticated client is served")
  void unauthenticatedTricklers() throws Exception {
    List<Socket> attackers = new ArrayList<>();
    try {
      for (int i = 0; i < SLOTS * 8; i++) {
        attackers.add(startBody(null, 1000));
      }
      for (int i = 0; i < 10; i++) {
        TestHttp.Reply reply = http.get("/things/999999", admin);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
      }
      String refused = readUntilClosed(attackers.get(0));
      assertThat(refused).startsWith("HTTP/1.1 401 ").contains("\"status\":401");
    } finally {
      for (Socket s : attackers) {
        s.close();
      }
    }
  }

  @Test
  @DisplayName("an authenticated body that does not arrive within the read timeout is a 408")
  void slowAuthenticatedBody() throws Exception {
    long before = TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM things");
    long start = System.nanoTime();
    try (Socket slow = startBody(admin, 100)) {
      String answer = readUntilClosed(slow);
      assertThat(answer).startsWith("HTTP/1.1 408 ").contains("HTTP_REQUEST_READ_TIMEOUT");
    }
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_000);
    assertThat(TestDb.count(env.get("PG_URI"), "SELECT count(*) FROM things")).isEqualTo(before);
  }

  @Test
  @DisplayName(
      "a request head sent one byte at a time is cut off at the read timeout, though the idle"
          + " timeout never fires")
  void trickledHeadIsCutOff() throws Exception {
    double before = metric("http_connections_head_timeouts_total");
    try (Socket slow = new Socket("localhost", service.port())) {
      slow.setSoTimeout(200);
      OutputStream out = slow.getOutputStream();
      out.write("GET /things/1 HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(US_ASCII));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      boolean closed = false;
      // One byte per 200 ms: the read's own timeout paces the attack.
      while (!closed && System.nanoTime() < deadline) {
        try {
          out.write('x');
          out.flush();
          closed = slow.getInputStream().read() == -1;
        } catch (SocketTimeoutException stillOpen) {
          // nothing from the server yet
        } catch (IOException reset) {
          closed = true;
        }
      }
      assertThat(closed).as("closed by the server within 10 s").isTrue();
    }
    assertThat(metric("http_connections_head_timeouts_total")).isGreaterThan(before);
  }

  @Test
  @DisplayName(
      "a keep-alive connection that keeps sending requests outlives the first head deadline")
  void busyConnectionIsKept() throws Exception {
    double before = metric("http_connections_head_timeouts_total");
    try (Socket busy = new Socket("localhost", service.port())) {
      busy.setSoTimeout(5000);
      long until = System.nanoTime() + Duration.ofMillis(2_500).toNanos();
      int answered = 0;
      // Back to back past the 1 s read timeout, twice: each answer moves the head deadline.
      while (System.nanoTime() < until) {
        busy.getOutputStream()
            .write(
                ("GET /things/999999 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + admin
                        + "\r\n\r\n")
                    .getBytes(US_ASCII));
        assertThat(readResponse(busy)).startsWith("HTTP/1.1 404 ");
        answered++;
      }
      assertThat(answered).isGreaterThan(10);
    }
    assertThat(metric("http_connections_head_timeouts_total")).isEqualTo(before);
  }

  /** One response off a keep-alive connection: its head, then Content-Length bytes of body. */
  private static String readResponse(Socket socket) throws IOException {
    var in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed by the server after: " + head);
      }
      head.append((char) b);
    }
    int length =
        head.toString()
            .lines()
            .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
            .mapToInt(l -> Integer.parseInt(l.substring(15).trim()))
            .findFirst()
            .orElse(0);
    in.readNBytes(length);
    return head.toString();
  }

  @Test
  @DisplayName(
      "one client address holds at most the cap of unauthenticated connections; others, and"
          + " authenticated clients, are still served")
  void unauthenticatedConnectionsPerClientAreCapped() throws Exception {
    double before = metric("http_connections_refused_total");
    int attempts = PER_CLIENT * 3;
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < attempts; i++) {
        Socket s =
            new Socket(
                InetAddress.getLoopbackAddress(),
                service.port(),
                InetAddress.getByName(OTHER_CLIENT),
                0);
        s.getOutputStream().write("GET /things/1 HTTP/1.1\r\n".getBytes(US_ASCII));
        held.add(s);
      }
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () ->
              assertThat(metric("http_connections_refused_total") - before)
                  .isEqualTo(attempts - PER_CLIENT));
      for (int i = 0; i < 5; i++) {
        TestHttp.Reply reply = http.get("/things/999999", admin);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  private double metric(String name) {
    String page = http.get("/metrics", null).body();
    return page.lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** A POST whose headers promise {@code length} bytes of which only the first is sent. */
  private Socket startBody(String token, int length) throws IOException {
    Socket socket = new Socket("localhost", service.port());
    socket.setSoTimeout(5000);
    String request =
        "POST /things HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
            + "Content-Length: "
            + length
            + "\r\n\r\n{";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /** What the server sent until it closed the connection (a read timeout fails the test). */
  private static String readUntilClosed(Socket socket) throws IOException {
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
