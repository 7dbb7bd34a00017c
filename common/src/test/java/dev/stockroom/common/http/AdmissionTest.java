package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.HalfSentRequest;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
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
    try (HalfSentRequest inFlight =
        new HalfSentRequest(service.port(), "/things", TestTokens.admin(), body, 5)) {
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () -> assertThat(http.get("/things/1", TestTokens.admin()).status()).isEqualTo(503));
      Reply shed = http.get("/things/1", TestTokens.admin());
      assertThat(shed.header("Retry-After")).isEqualTo("1");
      assertThat(shed.header("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
      assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
      assertThat(http.get("/health/../things/1", TestTokens.admin()).status())
          .as("a path that only starts like a probe's is the route it resolves to")
          .isEqualTo(503);

      assertThat(inFlight.finish()).isEqualTo("HTTP/1.1 201 Created");
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () -> assertThat(http.get("/things/999999", TestTokens.admin()).status()).isEqualTo(404));
    } finally {
      TestServices.stop(service);
    }
  }
}
