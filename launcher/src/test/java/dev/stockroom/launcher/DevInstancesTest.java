package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FreePorts;
import dev.stockroom.common.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dev --demo --instances 2}: two JVMs of every service behind a balancer on each service's
 * port. Killing one instance of each (SIGKILL, as a person would by hand) leaves a working system:
 * a rename through users' address reaches the report through inventory's, and an order through
 * orders' address confirms. The launcher says which instance died.
 */
class DevInstancesTest {
  static final String QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  @TempDir Path data;

  @Test
  void twoInstancesOfEachServiceCarryOnWhenOneOfEachIsKilled() throws Exception {
    int[] http = FreePorts.next(3);
    LauncherOptions options =
        new LauncherOptions(
            true,
            false,
            data,
            new LauncherOptions.Ports(0, 0, http[0], http[1], http[2], 0),
            // Six service JVMs on two cores start sooner compiling as the test JVM does.
            Map.of("JAVA_TOOL_OPTIONS", QUICK_JVM),
            2);
    List<LocalInstances.Instance> instances;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    DevSession session =
        DevSession.start(
            options, new Progress(new PrintStream(printed, true, StandardCharsets.UTF_8)));
    try {
      instances = session.system().instances();
      assertThat(instances)
          .extracting(LocalInstances.Instance::name)
          .containsExactly(
              "users-1", "users-2", "inventory-1", "inventory-2", "orders-1", "orders-2");
      assertThat(instances)
          .extracting(LocalInstances.Instance::port)
          .containsExactly(
              http[0] + 100,
              http[0] + 200,
              http[1] + 100,
              http[1] + 200,
              http[2] + 100,
              http[2] + 200);
      for (LocalInstances.Instance i : instances) {
        assertThat(new TestHttp(i.port()).get("/health/ready", null).status())
            .as(i.name())
            .isEqualTo(200);
      }

      for (LocalInstances.Instance i : instances) {
        if (i.name().endsWith("-1")) {
          i.process().destroyForcibly();
          assertThat(i.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
      }
      long killed = System.nanoTime();
      // The launcher says so at once, naming the instance, its exit code and its log.
      List<LocalInstances.Instance> running = instances;
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () -> {
            String out = printed.toString(StandardCharsets.UTF_8);
            for (LocalInstances.Instance i : running) {
              if (i.name().endsWith("-1")) {
                assertThat(out)
                    .contains(
                        i.name()
                            + " (pid "
                            + i.process().pid()
                            + ") exited with code 137; the balancer on ")
                    .contains(i.log().toString());
              }
            }
          });

      // Every partition of users.v1 flows again: watermarks (one a second on each) reach the
      // replica within 3 s at some moment at least 5 s after the kill, so none is still waiting
      // for the killed inventory's consumer or the killed relay. With Kafka's default session
      // timeout (45 s) the killed consumer's partitions stood still for most of a minute.
      String admin = session.token("admin");
      TestHttp inventory = new TestHttp(http[1]);
      // 40 s: seven JVMs, PostgreSQL and Kafka share this machine's cores; still inside the
      // default session timeout the check is there to rule out.
      Eventually.assertWithin(
          Duration.ofSeconds(40),
          () -> {
            assertThat(Duration.ofNanos(System.nanoTime() - killed))
                .isGreaterThan(Duration.ofSeconds(5));
            JsonObject replica = inventory.get("/admin/replica", admin).json();
            assertThat(replica.getJsonArray("partitions")).hasSize(6);
            assertThat(replica.getDouble("freshnessBoundSeconds")).isLessThan(3.0);
          });

      DemoSeeder.Result demo = session.demo().orElseThrow();
      TestHttp.Reply renamed =
          new TestHttp(http[0])
              .patch(
                  "/users/" + demo.stockerId(),
                  admin,
                  new JsonObject().put("name", "Failover Fay"),
                  Map.of());
      assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
      Eventually.assertWithin(
          Duration.ofSeconds(30),
          () ->
              assertThat(inventory.get("/items/low-stock?below=1000000&limit=200", admin).body())
                  .contains("Failover Fay"));

      TestHttp orders = new TestHttp(http[2]);
      String orderId =
          SystemCalls.placeOrder(
              orders, admin, demo.customerId(), DemoCatalog.ITEMS.get(0).sku(), 1, Map.of());
      Eventually.assertWithin(
          Duration.ofSeconds(60),
          () ->
              assertThat(orders.get("/orders/" + orderId, admin).json().getString("status"))
                  .isEqualTo("CONFIRMED"));
    } finally {
      session.close();
    }
    for (LocalInstances.Instance i : instances) {
      assertThat(i.process().isAlive()).as(i.name()).isFalse();
    }
    // Instances stopped by the launcher itself are not reported as having died.
    assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("-2 (pid ");
    for (int port : http) {
      assertThat(Ports.isFree(port)).as("port %d released", port).isTrue();
    }
  }
}
