package dev.stockroom.common.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.KeepAliveClient;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.ReadinessBalancer;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart as Kubernetes does it: two instances (each a process of its own) behind a
 * readiness-aware balancer, keep-alive clients loading them, SIGTERM to one.
 */
@DisplayName("A rolling restart")
class RollingRestartTest {
  private static final int GRACE_S = 3;
  private static final int DRAIN_S = 5;

  @Test
  @DisplayName(
      "SIGTERM to one of two instances under keep-alive load: no request that was sent is reset,"
          + " none gets a 5xx, and the process ends within its bound")
  void noRequestLost() throws Exception {
    Map<String, String> env = TestServices.env("rolling");
    env.put("SHUTDOWN_GRACE", "PT" + GRACE_S + "S");
    env.put("SHUTDOWN_DRAIN_TIMEOUT", "PT" + DRAIN_S + "S");
    env.put("HTTP_INSTANCES", "2");
    Map<String, String> otherEnv = new HashMap<>(env);
    otherEnv.put("HTTP_PORT", Integer.toString(TestServices.freePort()));
    Process leaving = start(env);
    Process staying = start(otherEnv);
    int leavingPort = Integer.parseInt(env.get("HTTP_PORT"));
    int stayingPort = Integer.parseInt(otherEnv.get("HTTP_PORT"));
    List<KeepAliveClient> clients = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    try (ReadinessBalancer service = new ReadinessBalancer(leavingPort, stayingPort)) {
      Eventually.assertWithin(
          Duration.ofSeconds(60),
          () -> assertThat(service.ready()).containsExactlyInAnyOrder(leavingPort, stayingPort));
      int id =
          new TestHttp(leavingPort)
              .post(
                  "/things",
                  TestTokens.admin(),
                  new JsonObject().put("name", "rolling").put("count", 1))
              .json()
              .getInteger("id");
      for (int i = 0; i < 8; i++) {
        KeepAliveClient client =
            new KeepAliveClient(service.port(), "/things/" + id, TestTokens.admin());
        clients.add(client);
        Thread thread = new Thread(client, "keep-alive-" + i);
        threads.add(thread);
        thread.start();
      }
      Eventually.assertWithin(
          Duration.ofSeconds(20), () -> assertThat(answered(clients)).isGreaterThan(500));

      long sigterm = System.nanoTime();
      leaving.destroy(); // SIGTERM
      assertThat(leaving.waitFor(GRACE_S + DRAIN_S + 10, TimeUnit.SECONDS))
          .as("the process ended")
          .isTrue();
      Duration took = Duration.ofNanos(System.nanoTime() - sigterm);
      int before = answered(clients);
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () -> assertThat(answered(clients)).as("served on").isGreaterThan(before + 300));
      clients.forEach(KeepAliveClient::stop);
      for (Thread thread : threads) {
        thread.join(5_000);
      }

      int lost = clients.stream().mapToInt(KeepAliveClient::lostAfterSent).sum();
      List<String> losses =
          clients.stream().map(KeepAliveClient::lastLoss).filter(s -> !s.isEmpty()).toList();
      assertThat(lost)
          .as("requests reset after they were sent (%d answered): %s", answered(clients), losses)
          .isZero();
      assertThat(clients.stream().mapToInt(KeepAliveClient::serverErrors).sum())
          .as("5xx answers")
          .isZero();
      assertThat(took).as("SIGTERM to exit").isLessThan(Duration.ofSeconds(GRACE_S + DRAIN_S + 5));
    } finally {
      clients.forEach(KeepAliveClient::stop);
      leaving.destroyForcibly();
      staying.destroyForcibly();
    }
  }

  private static int answered(List<KeepAliveClient> clients) {
    return clients.stream().mapToInt(KeepAliveClient::answered).sum();
  }

  private static Process start(Map<String, String> env) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                PlatformTestService.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(File.createTempFile("rolling-", ".log"));
    builder.environment().putAll(env);
    return builder.start();
  }
}
