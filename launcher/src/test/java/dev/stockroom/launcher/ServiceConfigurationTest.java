package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each service's {@code java -jar} entry point reads its whole configuration (the platform's and
 * its own) before anything starts: a bad value is one line naming the variable and exit code 2,
 * while PostgreSQL is unreachable, so it cannot have waited for the database or run a migration.
 */
@DisplayName("Service configuration is read and checked before anything starts")
class ServiceConfigurationTest {

  @ParameterizedTest(name = "{0} with {1}={2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "dev.stockroom.users.UsersService|CREDIT_HOLD_SWEEP_INTERVAL|soon",
        "dev.stockroom.users.UsersService|USERS_TOPIC_PARTITIONS|0",
        "dev.stockroom.inventory.InventoryService|REPLICA_MAX_VERSION_JUMP|0",
        "dev.stockroom.inventory.InventoryService|RESERVATION_SWEEP_INTERVAL|5s",
        "dev.stockroom.orders.OrdersService|ORDER_COMMITMENT_TTL|PT10S",
        "dev.stockroom.orders.OrdersService|INVENTORY_URL|ftp://inventory",
        "dev.stockroom.orders.OrdersService|SERVICE_TOKEN|not-a-jwt",
        // Past an int of seconds in the pool's options: an exception after Vert.x was built.
        "dev.stockroom.users.UsersService|PG_POOL_MAX_LIFETIME|P36500D",
        // The OpenTelemetry SDK's own refusals (a URL without its scheme, an unknown exporter).
        "dev.stockroom.users.UsersService|OTEL_EXPORTER_OTLP_ENDPOINT|otel-collector:4318",
        "dev.stockroom.inventory.InventoryService|OTEL_TRACES_EXPORTER|otlpp",
        // logback reads the variable as set: "json " names no appender, and every line is lost.
        "dev.stockroom.inventory.InventoryService|LOG_FORMAT|'json '",
        // A lease shorter than a call lets a second worker run the same step meanwhile.
        "dev.stockroom.orders.OrdersService|ORDER_SAGA_LEASE|PT1S",
        // A PEM header around no key: read first by the JWT library, after Vert.x was built.
        "dev.stockroom.users.UsersService|JWT_PUBLIC_KEY|'-----BEGIN PUBLIC KEY-----"
            + "\\nAAAA\\n-----END PUBLIC KEY-----'",
      })
  void badValueExitsTwoBeforeTheDatabase(String mainClass, String variable, String value)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("STOCKROOM_ENV", "dev");
    // Nothing listens here: a service that got as far as the database would wait for it.
    env.put("PG_URI", "postgresql://postgres:postgres@127.0.0.1:1/nothing");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
    env.put("STARTUP_TIMEOUT", "PT2M");
    env.put(variable, value.replace("\\n", "\n"));

    Exit exit = run(mainClass, env);

    assertThat(exit.code()).as(exit.stderr()).isEqualTo(2);
    assertThat(exit.stderr().strip().lines()).as(exit.stderr()).hasSize(1);
    assertThat(exit.stderr()).contains("configuration error").contains(variable);
  }

  @Test
  @DisplayName(
      "the launcher's dev checks every service's own settings before it starts PostgreSQL and"
          + " Kafka: exit 2, one line")
  void launcherChecksServiceSettingsFirst(@TempDir Path data) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Stockroom.run(
            new String[] {"dev", "--data", data.toString()},
            Map.of("ORDER_COMMITMENT_TTL", "PT10S"),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String stderr = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(stderr).isEqualTo(2);
    assertThat(stderr.strip().lines()).as(stderr).hasSize(1);
    assertThat(stderr).contains("configuration error").contains("ORDER_COMMITMENT_TTL");
    assertThat(data.resolve("pg")).as("no database was started").doesNotExist();
    assertThat(data.resolve("kafka")).as("no broker was started").doesNotExist();
  }

  private record Exit(int code, String stderr) {}

  private static Exit run(String mainClass, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Exit(-1, "still running after 60 s: it did not refuse its configuration first");
    }
    return new Exit(
        process.exitValue(),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
