package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Load shedding")
class AdmissionTest {

  @Test
  @DisplayName(
      "past HTTP_MAX_IN_FLIGHT a request gets 503 with Retry-After at once; health still answers")
  void shedsOverload() throws Exception {
    Map<String, String> env = TestServices.env("admission");
    env.put("HTTP_MAX_IN_FLIGHT", "1");
    RunningService service = TestServices.start(PlatformTestService::start, env);
    TestHttp http = new TestHttp(service.port());
    String body = "{\"name\":\"slow\",\"count\":1}";
    try (Socket socket = new Socket("localhost", service.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /things HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + TestTokens.admin()
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body.substring(0, 5))
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () -> assertThat(http.get("/things/1", TestTokens.admin()).status()).isEqualTo(503));
      Reply shed = http.get("/things/1", TestTokens.admin());
      assertThat(shed.header("Retry-After")).isEqualTo("1");
      assertThat(shed.header("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
      assertThat(http.get("/health/ready", null).status()).isEqualTo(200);

      out.write(body.substring(5).getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 201 Created");
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () -> assertThat(http.get("/things/999999", TestTokens.admin()).status()).isEqualTo(404));
    } finally {
      TestServices.stop(service);
    }
  }
}
