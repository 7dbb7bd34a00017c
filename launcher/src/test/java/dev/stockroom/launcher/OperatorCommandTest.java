package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.users.UsersService;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code outbox status} and {@code replica status} against running services, with a broker of the
 * test's own so that stopping it shows a backlog and an ageing replica, as an operator would see.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Operator commands")
class OperatorCommandTest {
  private EmbeddedKafkaBroker kafka;
  private RunningService users;
  private RunningService inventory;

  @BeforeAll
  void start() {
    kafka = EmbeddedKafkaBroker.start(null, 0);
    Map<String, String> usersEnv = TestServices.env("operate_users");
    usersEnv.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    usersEnv.put("WATERMARK_INTERVAL", "PT0.2S");
    users = TestServices.start(e -> UsersService.start(new Env(e)), usersEnv);
    Map<String, String> inventoryEnv = TestServices.env("operate_inventory");
    inventoryEnv.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    inventoryEnv.put("USERS_URL", "http://localhost:" + users.port());
    inventory = TestServices.start(e -> InventoryService.start(new Env(e)), inventoryEnv);
  }

  @AfterAll
  void stop() {
    TestServices.stop(inventory);
    TestServices.stop(users);
    kafka.close();
  }

  @Test
  @DisplayName(
      "outbox status shows an empty backlog and a leading relay, then a waiting change while the"
          + " broker is away; replica status shows every partition's watermark and its age")
  void statusOfTheOutboxAndTheReplica() {
    Eventually.assertWithin(
        Duration.ofSeconds(30),
        () -> {
          JsonObject outbox = run("outbox", "users", users.port());
          assertThat(outbox.getLong("backlog")).isZero();
          assertThat(outbox.getBoolean("relayLeader")).isTrue();
          JsonObject replica = run("replica", "inventory", inventory.port());
          assertThat(replica.getString("topic")).isEqualTo("users.v1");
          assertThat(replica.getJsonArray("partitions")).isNotEmpty();
          assertThat(replica.getDouble("freshnessBoundSeconds")).isLessThan(5.0);
        });

    kafka.stop();
    try {
      TestHttp.Reply created =
          new TestHttp(users.port())
              .post(
                  "/users",
                  TestTokens.admin(),
                  new JsonObject()
                      .put("name", "Waiting Change")
                      .put("email", "wait-" + UUID.randomUUID() + "@example.com"));
      assertThat(created.status()).isEqualTo(201);
      Eventually.assertWithin(
          Duration.ofSeconds(30),
          () -> {
            JsonObject outbox = run("outbox", "users", users.port());
            assertThat(outbox.getLong("backlog")).isGreaterThanOrEqualTo(1);
            assertThat(outbox.getString("oldestUnpublishedAt")).isNotNull();
            assertThat(
                    run("replica", "inventory", inventory.port())
                        .getDouble("freshnessBoundSeconds"))
                .isGreaterThan(1.0);
          });
    } finally {
      kafka.restart();
    }
    Eventually.assertWithin(
        Duration.ofSeconds(60),
        () -> assertThat(run("outbox", "users", users.port()).getLong("backlog")).isZero());
  }

  @Test
  @DisplayName("a token without admin is refused with the service's answer, exit code 1")
  void refusedWithoutAdmin() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Stockroom.run(
            new String[] {
              "outbox",
              "status",
              "--service",
              "users",
              "--url",
              "http://localhost:" + users.port(),
              "--token",
              TestTokens.forRoles(UUID.randomUUID().toString(), "stocker")
            },
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .as("says where it went, with which token, before the answer")
        .contains("stockroom: GET http://localhost:" + users.port() + "/admin/outbox")
        .contains("(the token given)")
        .contains("answered 403");
  }

  @Test
  @DisplayName("a URL with a path prefix (behind a gateway) keeps it")
  void pathPrefix() {
    assertThat(
            OperatorCommand.under(
                java.net.URI.create("https://gw.example/inventory/"), "/admin/dlq?since=x"))
        .hasToString("https://gw.example/inventory/admin/dlq?since=x");
    assertThat(OperatorCommand.under(java.net.URI.create("http://localhost:8082"), "/admin/dlq"))
        .hasToString("http://localhost:8082/admin/dlq");
  }

  @Test
  @DisplayName(
      "dlq replay over more parked records than one request reads goes on until every one was"
          + " read, and exits 0")
  void replayOfALongDeadLetterTopic() throws Exception {
    java.time.Instant since = java.time.Instant.now().minusSeconds(1);
    park(java.util.stream.IntStream.range(0, 520).mapToObj(i -> "not-a-person-" + i).toList());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env = Map.of("STOCKROOM_ENV", "dev", "JWT_SECRET", JwtConfig.DEV_SECRET);
    Command.Operate replay =
        (Command.Operate)
            CommandLine.parse(
                new String[] {
                  "dlq",
                  "replay",
                  "--service",
                  "inventory",
                  "--url",
                  "http://localhost:" + inventory.port(),
                  "--since",
                  since.toString()
                },
                env);
    java.util.concurrent.atomic.AtomicInteger minted =
        new java.util.concurrent.atomic.AtomicInteger();
    int code =
        OperatorCommand.run(
            replay,
            () -> {
              minted.incrementAndGet();
              return Stockroom.mint(
                  new Command.Token(
                      "operator",
                      java.util.List.of("admin"),
                      Duration.ofMinutes(5),
                      replay.dataDir()),
                  new Env(env));
            },
            true,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String said = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(said).isZero();
    long requests = said.lines().filter(l -> l.contains("POST ")).count();
    assertThat(requests)
        .as("a second request, from where the first stopped")
        .isGreaterThanOrEqualTo(2);
    // One token for the whole replay was refused once its five minutes ran out, halfway through a
    // long topic (and the message then blamed the issuer key).
    assertThat(minted.get()).as("a token minted for each request").isEqualTo((int) requests);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"complete\" : true");
  }

  @Test
  @DisplayName(
      "a token minted with another data directory's key is refused, and the message says which"
          + " key it was signed with")
  void mintedWithTheWrongKeys(@org.junit.jupiter.api.io.TempDir java.nio.file.Path elsewhere) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Stockroom.run(
            new String[] {
              "outbox",
              "status",
              "--service",
              "users",
              "--url",
              "http://localhost:" + users.port(),
              "--data",
              elsewhere.toString()
            },
            Map.of(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("answered 401")
        .contains("signed with the issuer key in " + elsewhere.resolve("keys"))
        .contains("--data");
  }

  @Test
  @DisplayName("dlq list and dlq replay reach the replica's dead-letter admin")
  void deadLetters() {
    // From now: another test parks more records than one request reads in the same topic.
    String since = java.time.Instant.now().minusSeconds(1).toString();
    // A record parked here: with none, an admin answering [] for everything passed.
    String key = "parked-" + UUID.randomUUID();
    park(java.util.List.of(key));
    JsonObject listed = run("dlq", "list", "inventory", inventory.port(), "--since", since);
    assertThat(listed.getString("topic")).isEqualTo("users.v1.inventory.dlq");
    assertThat(listed.getJsonArray("records").stream().map(JsonObject.class::cast))
        .anySatisfy(r -> assertThat(r.getString("key")).isEqualTo(key));
    JsonObject replayed = run("dlq", "replay", "inventory", inventory.port(), "--since", since);
    assertThat(replayed.getInteger("read")).isEqualTo(listed.getJsonArray("records").size());
    // Still poison (not a person's event): it stays parked, and the answer says so.
    assertThat(replayed.getJsonArray("stillParked").stream().map(JsonObject.class::cast))
        .anySatisfy(r -> assertThat(r.getString("key")).isEqualTo(key));
  }

  @Test
  @DisplayName("replica rebuild starts a rebuild, and replica status shows it finish")
  void rebuild() {
    JsonObject started = run("replica", "rebuild", "inventory", inventory.port());
    assertThat(started.getString("state")).isIn("running", "done");
    Eventually.assertWithin(
        Duration.ofSeconds(60),
        () ->
            assertThat(
                    run("replica", "inventory", inventory.port())
                        .getJsonObject("rebuild")
                        .getString("state"))
                .isEqualTo("done"));
  }

  private static JsonObject run(String area, String service, int port) {
    return run(area, "status", service, port);
  }

  /** The command as an operator runs it, with a token minted from the services' dev secret. */
  private static JsonObject run(
      String area, String action, String service, int port, String... more) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                area, action, "--service", service, "--url", "http://localhost:" + port));
    args.addAll(java.util.List.of(more));
    int code =
        Stockroom.run(
            args.toArray(String[]::new),
            Map.of("STOCKROOM_ENV", "dev", "JWT_SECRET", JwtConfig.DEV_SECRET),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return new JsonObject(out.toString(StandardCharsets.UTF_8));
  }

  /** Records the replica cannot apply (not a person's event), parked as it would park them. */
  private void park(java.util.List<String> keys) {
    java.util.Properties props = new java.util.Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    try (var producer =
        new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
            props,
            new org.apache.kafka.common.serialization.StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      for (int i = 0; i < keys.size(); i++) {
        producer.send(
            new org.apache.kafka.clients.producer.ProducerRecord<>(
                "users.v1.inventory.dlq",
                keys.get(i),
                ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }
}
