package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The benchmark-only switches that put a price on each platform layer: each one really takes its
 * layer away (else the benchmark would price nothing), and the rest of the request still works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Platform layers switched off for a benchmark")
class PlatformLayersTest {
  private RunningService service;
  private TestHttp http;
  private int noCallerYet;

  @BeforeAll
  void start() {
    Map<String, String> env = TestServices.env("platform_layers");
    env.put("BENCH_LAYERS_OFF", "auth,validation,metrics");
    service = TestServices.start(PlatformTestService::start, env);
    http = new TestHttp(service.port());
    // Before any caller has been verified, a request without a token is still refused.
    noCallerYet = http.get("/things/1", null).status();
  }

  @AfterAll
  void stop() {
    TestServices.stop(service);
  }

  @Test
  @DisplayName("auth: the first caller is verified, then every request runs as that caller")
  void authOff() {
    assertThat(noCallerYet).isEqualTo(401);
    String location =
        http.post("/things", TestTokens.admin(), new JsonObject().put("name", "a").put("count", 1))
            .header("Location");
    assertThat(http.get(location, null).status()).isEqualTo(200);
    assertThat(http.get(location, "not-a-token").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("validation: values the contract refuses are converted and passed on unchecked")
  void validationOff() {
    String admin = TestTokens.admin();
    String location =
        http.post("/things", admin, new JsonObject().put("name", "b").put("count", 2))
            .header("Location");
    // limit has maximum 10: validated, this is a 400 (PlatformHttpTest).
    TestHttp.Reply read = http.get(location + "?limit=99", admin);
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(read.json().getString("name")).isEqualTo("b");
  }

  @Test
  @DisplayName("metrics: Vert.x records no HTTP meters; the scrape still answers")
  void metricsOff() {
    http.get("/things/1", TestTokens.admin());
    TestHttp.Reply scrape = http.get("/metrics", null);
    assertThat(scrape.status()).isEqualTo(200);
    assertThat(scrape.body()).doesNotContain("vertx_http_server_requests_total");
  }
}
