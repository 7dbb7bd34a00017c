package dev.stockroom.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;

/** Starting the real users service in a test, and registering people through its API. */
final class UsersTestSupport {
  static final String ADMIN = TestTokens.admin();
  static final String SERVICE = TestTokens.service();

  private UsersTestSupport() {}

  static Map<String, String> env() {
    Map<String, String> env = TestServices.env("users");
    env.put("WATERMARK_INTERVAL", "PT0.2S");
    env.put("OUTBOX_POLL_INTERVAL", "PT0.2S");
    env.put("OUTBOX_LEADER_RETRY", "PT0.3S");
    env.put("CREDIT_HOLD_SWEEP_INTERVAL", "PT0.2S");
    env.put("USERS_TOPIC_PARTITIONS", "3");
    return env;
  }

  static RunningService start(Map<String, String> env) {
    return TestServices.start(e -> UsersService.start(new Env(e)), env);
  }

  /** A users service of the test class's own, with a pool of 8 (concurrency shows on it). */
  record Running(RunningService service, TestHttp http, String pgUri) implements AutoCloseable {
    static Running start() {
      Map<String, String> env = env();
      env.put("PG_POOL_SIZE", "8");
      RunningService service = UsersTestSupport.start(env);
      return new Running(service, new TestHttp(service.port()), env.get("PG_URI"));
    }

    @Override
    public void close() {
      TestServices.stop(service);
    }
  }

  static JsonObject register(TestHttp http, String name, long creditLimitCents) {
    String email = name.toLowerCase().replace(' ', '.') + "." + UUID.randomUUID() + "@example.com";
    TestHttp.Reply reply =
        http.post(
            "/users",
            ADMIN,
            new JsonObject()
                .put("name", name)
                .put("email", email)
                .put("phone", "+44 20 7946 0000")
                .put("creditLimitCents", creditLimitCents));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    return reply.json();
  }
}
