package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  private static final Map<String, String> ENV = Map.of("REPLICA_TTL", "PT1M");

  private static Command parse(String... args) {
    return CommandLine.parse(args, ENV);
  }

  @Test
  void noArgumentsAndHelpShowTheUsage() {
    assertThat(parse()).isInstanceOf(Command.Help.class);
    assertThat(parse("help")).isInstanceOf(Command.Help.class);
    assertThat(parse("--help")).isInstanceOf(Command.Help.class);
  }

  @Test
  void devDefaultsToTheStandardPortsAndALocalDataDirectory() {
    LauncherOptions options = ((Command.Dev) parse("dev")).options();
    assertThat(options.demo()).isFalse();
    assertThat(options.fresh()).isFalse();
    assertThat(options.dataDir()).isEqualTo(Path.of(".stockroom").toAbsolutePath().normalize());
    assertThat(options.ports())
        .isEqualTo(new LauncherOptions.Ports(5432, 9092, 8081, 8082, 8083, 8090));
    assertThat(options.baseEnv()).isEqualTo(ENV);
  }

  @Test
  void devTakesItsFlagsInAnyOrderAndBothValueSpellings() {
    LauncherOptions options =
        ((Command.Dev) parse("dev", "--fresh", "--data", "/tmp/sr", "--demo")).options();
    assertThat(options.demo()).isTrue();
    assertThat(options.fresh()).isTrue();
    assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/sr"));

    assertThat(((Command.Dev) parse("dev", "--data=/tmp/other")).options().dataDir())
        .isEqualTo(Path.of("/tmp/other"));
  }

  @Test
  void infraHasNoDemo() {
    assertThat(((Command.Infra) parse("infra", "--fresh")).options().fresh()).isTrue();
    assertThatThrownBy(() -> parse("infra", "--demo"))
        .isInstanceOf(UsageException.class)
        .hasMessage("infra: unknown option '--demo'");
  }

  @Test
  void badSystemArgumentsAreOneLineUsageErrors() {
    assertThatThrownBy(() -> parse("deploy"))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown command 'deploy'");
    assertThatThrownBy(() -> parse("dev", "--data"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--data needs a value");
    assertThatThrownBy(() -> parse("dev", "--data", "--demo"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> parse("dev", "--port", "1"))
        .isInstanceOf(UsageException.class)
        .hasMessage("dev: unknown option '--port'");
  }

  @Test
  void eachCommandsHelpIsTheUsageAndAFlagGivenTwiceIsAnError() {
    for (String command : new String[] {"dev", "infra", "token", "outbox", "replica", "dlq"}) {
      assertThat(parse(command, "--help")).as(command).isInstanceOf(Command.Help.class);
      assertThat(parse(command, "-h")).as(command).isInstanceOf(Command.Help.class);
    }
    assertThatThrownBy(() -> parse("deploy", "--help"))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown command 'deploy'");
    // The last one silently won: a token with roles [customer], a status of orders.
    assertThatThrownBy(() -> parse("token", "--sub", "a", "--roles", "admin", "--roles=customer"))
        .isInstanceOf(UsageException.class)
        .hasMessage("token: --roles is given twice");
    assertThatThrownBy(() -> parse("outbox", "status", "--service", "users", "--service", "orders"))
        .isInstanceOf(UsageException.class)
        .hasMessage("outbox status: --service is given twice");
    assertThatThrownBy(() -> parse("dev", "--demo", "--demo"))
        .isInstanceOf(UsageException.class)
        .hasMessage("dev: --demo is given twice");
  }

  @Test
  void operatorCommandsSayWhatIsWrongWithTheirService() {
    assertThatThrownBy(() -> parse("outbox", "status", "--service", "inventory"))
        .isInstanceOf(UsageException.class)
        .hasMessage("outbox status: --service inventory has no outbox; one of orders, users");
    assertThatThrownBy(() -> parse("outbox", "status"))
        .isInstanceOf(UsageException.class)
        .hasMessage("outbox status: --service is required, one of orders, users");
    for (String url : new String[] {"ftp://localhost:8081", "file:///tmp/x"}) {
      assertThatThrownBy(() -> parse("outbox", "status", "--service", "users", "--url", url))
          .as(url)
          .isInstanceOf(UsageException.class)
          .hasMessageStartingWith("--url: expected http(s)://host:port");
    }
  }

  @Test
  void tokenParsesSubjectRolesAndTtl() {
    Command.Token token =
        (Command.Token)
            parse("token", "--sub", "u-1", "--roles", "admin, stocker", "--ttl", "PT5M");
    assertThat(token.subject()).isEqualTo("u-1");
    assertThat(token.roles()).containsExactly("admin", "stocker");
    assertThat(token.ttl()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void tokenDefaultsToTwelveHoursAndDropsDuplicateRoles() {
    Command.Token token = (Command.Token) parse("token", "--roles=customer,customer", "--sub=u-2");
    assertThat(token.ttl()).isEqualTo(Duration.ofHours(12));
    assertThat(token.roles()).isEqualTo(List.of("customer"));
  }

  @Test
  void tokenRejectsMissingOrUnknownValues() {
    assertThatThrownBy(() -> parse("token", "--roles", "admin"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--sub is required");
    assertThatThrownBy(() -> parse("token", "--sub", "u"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--roles is required");
    assertThatThrownBy(() -> parse("token", "--sub", "u", "--roles", "admin,root"))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "token: unknown role 'root'; expected any of admin, customer, service, stocker");
    assertThatThrownBy(() -> parse("token", "--sub", "u", "--roles", ","))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("at least one role");
    assertThatThrownBy(() -> parse("token", "--sub", "u", "--roles", "admin", "--ttl", "12h"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> parse("token", "--sub", "u", "--roles", "admin", "--ttl", "PT0S"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("at least one second");
    assertThatThrownBy(() -> parse("token", "--sub", "u", "--roles", "admin", "--demo"))
        .isInstanceOf(UsageException.class)
        .hasMessage("token: unknown option '--demo'");
  }

  @Test
  void dlqGoesOnFromWhereAnAnswerStopped() {
    Command.Operate list =
        (Command.Operate) parse("dlq", "list", "--service", "inventory", "--resume-at", "0:12,3:4");
    assertThat(list.path()).isEqualTo("/admin/dlq?resumeAt=0:12,3:4");
    Command.Operate replay =
        (Command.Operate) parse("dlq", "replay", "--service", "orders", "--resume-at", "1:9");
    assertThat(replay.method()).isEqualTo("POST");
    assertThat(replay.path()).isEqualTo("/admin/dlq/replay?resumeAt=1:9");
    assertThatThrownBy(() -> parse("dlq", "list", "--service", "inventory", "--resume-at", "x"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--resume-at: expected what an answer's resumeAt said");
    assertThatThrownBy(
            () ->
                parse(
                    "dlq",
                    "list",
                    "--service",
                    "inventory",
                    "--resume-at",
                    "0:1",
                    "--since",
                    "2026-12-04T10:00:00Z"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("no --since");
    // The error named "replica status" for a rebuild.
    assertThatThrownBy(
            () ->
                parse(
                    "replica",
                    "rebuild",
                    "--service",
                    "inventory",
                    "--since",
                    "2026-12-04T10:00:00Z"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("replica rebuild: --since and --resume-at are only for dlq");
  }
}
