package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.auth.RsaKeys;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FreePorts;
import dev.stockroom.common.testing.TestHttp;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dev --demo} for real, in this JVM: embedded PostgreSQL and Kafka, the three services,
 * seeding through their HTTP APIs, then an orderly stop. Free ports and a temporary data directory
 * keep it apart from a system a developer may be running.
 */
class DevSessionTest {
  private static final Duration STARTUP_BUDGET = Duration.ofSeconds(60);

  @TempDir Path data;

  @Test
  void devDemoComesUpSeedsThroughTheApisAndStopsCleanly() throws IOException {
    int[] http = FreePorts.next(3);
    LauncherOptions options =
        new LauncherOptions(
            true,
            false,
            data,
            new LauncherOptions.Ports(0, 0, http[0], http[1], http[2], 0),
            Map.of("HTTP_INSTANCES", "1"));
    long start = System.nanoTime();

    DevSession session = DevSession.start(options, Progress.silent());
    Map<String, String> ids;
    try {
      Duration left = STARTUP_BUDGET.minusNanos(System.nanoTime() - start);
      Eventually.assertWithin(
          left,
          () -> {
            for (int port : http) {
              assertThat(new TestHttp(port).get("/health/ready", null).status())
                  .as("ready on " + port)
                  .isEqualTo(200);
            }
          });

      // An order answered 202 must survive a crash of the local PostgreSQL, as in production.
      try (Connection c =
              DriverManager.getConnection(
                  session.system().infrastructure().postgres().jdbcUrl("orders"));
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT current_setting('synchronous_commit'), current_setting('fsync')")) {
        rs.next();
        assertThat(List.of(rs.getString(1), rs.getString(2)))
            .as("synchronous_commit, fsync")
            .containsExactly("on", "on");
      } catch (SQLException e) {
        throw new AssertionError(e);
      }

      // What the banner asks to paste is shell that any shell takes: no comment on the line (zsh
      // reads '#' as a word unless told otherwise), no spaces in a value.
      List<String> banner = Banner.dev(session, options, "1 s");
      assertThat(banner.stream().filter(line -> line.contains("export ")))
          .hasSize(4)
          .allMatch(line -> line.matches("  export [A-Z_]+=[A-Za-z0-9._-]+"), "a bare export line");

      DemoSeeder.Result demo = session.demo().orElseThrow();
      ids = demo.userIds();
      assertThat(ids.keySet())
          .containsExactlyElementsOf(
              DemoCatalog.PEOPLE.stream().map(DemoCatalog.Person::email).toList());
      TestHttp users = new TestHttp(http[0]);
      for (DemoCatalog.Person person : DemoCatalog.PEOPLE) {
        TestHttp.Reply reply =
            users.get("/users/" + ids.get(person.email()), session.token("admin"));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().getString("name")).isEqualTo(person.name());
        assertThat(reply.json().getString("email")).isEqualTo(person.email());
      }
      // The printed customer token is Ada's own: the users service lets her read herself.
      assertThat(users.get("/users/" + demo.customerId(), session.token("customer")).status())
          .isEqualTo(200);
      assertThat(session.tokens())
          .extracting(DevSession.RoleToken::role)
          .containsExactly("admin", "stocker", "customer", "service");
      assertThat(session.tokens().get(1).subject()).isEqualTo(demo.stockerId());

      TestHttp inventory = new TestHttp(http[1]);
      for (DemoCatalog.Item item : DemoCatalog.ITEMS) {
        TestHttp.Reply reply = inventory.get("/items/" + item.sku(), session.token("stocker"));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().getString("name")).isEqualTo(item.name());
      }

      trustAsAnIdentityProviderWould(http, demo);

      // Seeding again (a restart with --demo) finds everything in place and changes nothing.
      try (TokenMinter minter = new TokenMinter(DevKeys.loadOrCreate(data).issuerConfig())) {
        DemoSeeder.Result again =
            new DemoSeeder(session.system().wiring(), minter, DemoState.load(data)).seed();
        assertThat(again.userIds()).isEqualTo(ids);
        assertThat(again.itemsCreated()).isZero();
        // Restocks are best effort (skipped while the route is missing), so only "never fewer".
        assertThat(again.restocks()).isGreaterThanOrEqualTo(demo.restocks());

        // The state file lost (a Ctrl-C or a full disk while it was written, an answer lost):
        // the restocks are sent again and applied once, not twice.
        Map<String, Integer> stock = new java.util.HashMap<>();
        for (DemoCatalog.Item item : DemoCatalog.ITEMS) {
          stock.put(
              item.sku(),
              inventory
                  .get("/items/" + item.sku(), session.token("stocker"))
                  .json()
                  .getInteger("quantity"));
        }
        Files.delete(data.resolve(DemoState.FILE_NAME));
        new DemoSeeder(session.system().wiring(), minter, DemoState.load(data)).seed();
        for (DemoCatalog.Item item : DemoCatalog.ITEMS) {
          assertThat(
                  inventory
                      .get("/items/" + item.sku(), session.token("stocker"))
                      .json()
                      .getInteger("quantity"))
              .as("%s restocked once", item.sku())
              .isEqualTo(stock.get(item.sku()));
        }
      }

      // A second launcher on this data directory is refused before it touches it: --fresh wiped
      // the running one's PostgreSQL and Kafka data.
      LauncherOptions second =
          new LauncherOptions(
              false,
              true,
              data,
              new LauncherOptions.Ports(0, 0, 0, 0, 0, 0),
              Map.of("HTTP_INSTANCES", "1"));
      assertThatThrownBy(() -> Infrastructure.start(second, Progress.silent()))
          .isInstanceOf(StartupException.class)
          .hasMessageContaining(
              "is in use by another Stockroom (pid " + ProcessHandle.current().pid());
      assertThat(data.resolve("pg/PG_VERSION")).exists();
      assertThat(data.resolve("kafka/meta.properties")).exists();
    } finally {
      session.close();
    }

    for (int port : http) {
      assertThat(Ports.isFree(port)).as("port %d released", port).isTrue();
    }
    assertThat(data.resolve("pg/postmaster.pid")).doesNotExist();
    assertThat(Files.exists(data.resolve("kafka/meta.properties"))).isTrue();
    assertThat(DemoState.load(data).userId(DemoCatalog.STOCKER.email()))
        .contains(ids.get(DemoCatalog.STOCKER.email()));
  }

  /**
   * The services trust the launcher's JWKS for people and each caller's own key for service calls:
   * a {@code token} command's token works, an order goes orders → inventory → users on the callers'
   * service keys, and an admin token signed with inventory's key is refused.
   */
  private void trustAsAnIdentityProviderWould(int[] http, DemoSeeder.Result demo) {
    String admin =
        Stockroom.mint(
            new Command.Token("dev-admin", List.of("admin"), Duration.ofMinutes(5), data),
            new Env(Map.of()));
    assertThat(new TestHttp(http[0]).get("/users/" + demo.customerId(), admin).status())
        .isEqualTo(200);

    TestHttp orders = new TestHttp(http[2]);
    String orderId =
        SystemCalls.placeOrder(
            orders, admin, demo.customerId(), DemoCatalog.ITEMS.get(0).sku(), 1, Map.of());
    String location = "/orders/" + orderId;
    Eventually.assertWithin(
        Duration.ofSeconds(30),
        () ->
            assertThat(orders.get(location, admin).json().getString("status"))
                .isEqualTo("CONFIRMED"));

    KeyPair inventoryKey = DevKeys.loadOrCreate(data).signingKeyPair("inventory");
    JwtConfig inventoryAsIssuer =
        JwtConfig.from(
            new Env(
                Map.of(
                    "STOCKROOM_ENV",
                    "dev",
                    "JWT_PUBLIC_KEY",
                    RsaKeys.publicPem(inventoryKey),
                    "JWT_PRIVATE_KEY",
                    RsaKeys.privatePem(inventoryKey),
                    "JWT_KEY_ID",
                    "inventory")),
            true);
    String forged;
    try (TokenMinter minter = new TokenMinter(inventoryAsIssuer)) {
      forged = minter.mint("inventory", List.of("admin"), Duration.ofMinutes(5));
    }
    TestHttp.Reply refused = new TestHttp(http[0]).get("/users/" + demo.customerId(), forged);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
  }

  @Test
  void aTakenServicePortFailsBeforeAnythingStarts() throws IOException {
    int[] http = FreePorts.next(3);
    try (ServerSocket taken = new ServerSocket(http[2])) {
      LauncherOptions options =
          new LauncherOptions(
              false,
              false,
              data,
              new LauncherOptions.Ports(0, 0, http[0], http[1], http[2], 0),
              Map.of());

      assertThatThrownBy(() -> DevSession.start(options, Progress.silent()))
          .isInstanceOf(StartupException.class)
          .hasMessage("port " + http[2] + " (orders) is already in use: stop what listens there");
    }
    assertThat(data.resolve("pg")).doesNotExist();
  }

  @Test
  void freshWipesOnlyWhatTheLauncherStores() throws IOException {
    Files.createDirectories(data.resolve("pg/base"));
    Files.createDirectories(data.resolve("kafka"));
    Files.writeString(data.resolve(DemoState.FILE_NAME), "user.a=b");
    Files.writeString(data.resolve("notes.txt"), "mine");

    Infrastructure.wipe(data);

    assertThat(data.resolve("pg")).doesNotExist();
    assertThat(data.resolve("kafka")).doesNotExist();
    assertThat(data.resolve(DemoState.FILE_NAME)).doesNotExist();
    assertThat(data.resolve("notes.txt")).hasContent("mine");
  }
}
