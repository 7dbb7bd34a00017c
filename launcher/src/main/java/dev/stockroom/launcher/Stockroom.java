package dev.stockroom.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar launcher/target/stockroom.jar <command>}: the whole system in one process
 * ({@code dev}), only its infrastructure ({@code infra}), or a token ({@code token}).
 *
 * <p>Exit codes: 0 done, 1 something did not start, 2 bad arguments or configuration. No logger
 * field here: the log level has to be chosen before logging initialises.
 */
public final class Stockroom {
  private Stockroom() {}

  public static void main(String[] args) {
    // UTF-8 whatever the locale: the progress lines use ▸ and …, which a POSIX locale would print
    // as '?'; terminals are UTF-8 nearly everywhere.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, UTF_8);
    System.exit(run(args, System.getenv(), out, err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Command command;
    try {
      command = CommandLine.parse(args, env);
    } catch (UsageException e) {
      // One line to read, not buried under the usage: --help prints that.
      err.println("stockroom: " + e.getMessage());
      err.println("(stockroom --help shows the commands and their options)");
      return 2;
    }
    quietLogs(command, env);
    try {
      if (command instanceof Command.Dev dev) {
        return DevCommand.run(dev.options(), out);
      } else if (command instanceof Command.Infra infra) {
        return InfraCommand.run(infra.options(), out);
      } else if (command instanceof Command.Token token) {
        out.println(mint(token, new Env(env)));
        return 0;
      } else if (command instanceof Command.Operate operate) {
        Command.Token minted =
            new Command.Token(
                "operator", List.of("admin"), java.time.Duration.ofMinutes(5), operate.dataDir());
        java.util.function.Supplier<String> tokens =
            operate.token().isPresent() ? operate.token()::get : () -> mint(minted, new Env(env));
        return OperatorCommand.run(operate, tokens, operate.token().isEmpty(), out, err);
      }
      out.print(Usage.TEXT);
      return 0;
    } catch (ConfigException e) {
      err.println("stockroom: configuration error: " + e.getMessage());
      return 2;
    } catch (StartupException e) {
      err.println("stockroom: " + e.getMessage());
      LoggerFactory.getLogger(Stockroom.class).debug("start failed", e);
      return 1;
    } catch (java.io.UncheckedIOException e) {
      // A data directory that cannot hold the keys, a file that cannot be read: the environment's
      // problem, said in one line (its cause included), not a stack trace.
      err.println("stockroom: " + e.getMessage() + " (" + e.getCause() + ")");
      return 1;
    } catch (RuntimeException e) {
      // Returning (rather than throwing out of main) still reaches System.exit, so no leftover
      // non-daemon thread can keep the JVM alive after a failure.
      err.println("stockroom: unexpected error: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  /**
   * {@code token}: the configured key; in dev (STOCKROOM_ENV dev or unset) with no key configured,
   * the local identity provider's issuer key in the data directory, which {@code dev} publishes to
   * the services (made here if {@code dev} has not run yet). Outside dev an operator must name a
   * key: there is no local provider to trust it.
   */
  static String mint(Command.Token token, Env env) {
    boolean dev = env.oneOf("STOCKROOM_ENV", "dev", List.of("dev", "production")).equals("dev");
    boolean keyConfigured = keyConfigured(env);
    if (dev
        && !keyConfigured
        && env.optional("JWT_JWKS_URL").isPresent()
        && !Files.exists(token.dataDir().resolve("keys").resolve("issuer.pem"))) {
      // A new key here would sign tokens the running JWKS does not publish.
      throw new ConfigException(
          "JWT_JWKS_URL names the launcher's JWKS, but "
              + token.dataDir().resolve("keys")
              + " has no issuer key: run where infra runs, or pass its --data directory");
    }
    JwtConfig config =
        dev && !keyConfigured
            ? DevKeys.loadOrCreate(token.dataDir()).issuerConfig()
            : JwtConfig.from(env, dev);
    if (config.jwksUrl().isPresent()) {
      throw new ConfigException(
          "JWT_JWKS_URL: with an identity provider's keys, tokens come from the provider; unset it"
              + " and give JWT_SECRET or JWT_PRIVATE_KEY to mint here");
    }
    if (!config.canMint()) {
      throw new ConfigException(
          "JWT_PRIVATE_KEY is required to mint RS256 tokens (JWT_PUBLIC_KEY alone only verifies)");
    }
    try (TokenMinter minter = new TokenMinter(config)) {
      return minter.mint(token.subject(), token.roles(), token.ttl());
    }
  }

  /**
   * Whether the shell names the key that decides what is trusted: a secret or key pair, or an
   * identity provider's JWKS. The launcher's own JWKS (which {@code infra} prints an export for)
   * and the other trust settings it prints are not one: its tokens are signed with the local issuer
   * key that JWKS publishes.
   */
  private static boolean keyConfigured(Env env) {
    if (Stream.of("JWT_SECRET", "JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY")
        .anyMatch(name -> env.optional(name).isPresent())) {
      return true;
    }
    return env.optional("JWT_JWKS_URL").filter(url -> !isLaunchersJwks(url)).isPresent();
  }

  private static boolean isLaunchersJwks(String url) {
    try {
      URI uri = new URI(url.trim());
      return uri.getHost() != null
          && List.of("localhost", "127.0.0.1", "[::1]")
              .contains(uri.getHost().toLowerCase(Locale.ROOT))
          && JwksServer.PATH.equals(uri.getPath());
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /**
   * The services log to stdout at INFO by default; here that would bury the progress lines and, for
   * {@code token}, corrupt {@code $(...)} capture. Warnings and errors still show, and LOG_LEVEL in
   * the environment wins for {@code dev} and {@code infra}. logback reads the level from this
   * system property when it initialises, which is after this point.
   */
  private static void quietLogs(Command command, Map<String, String> env) {
    if (command instanceof Command.Help) {
      return;
    }
    // Kafka's broker touches the Log4j 2 API, which finds no Log4j backend in this jar and says so
    // on stderr at start. The simple context keeps it quiet; everything else logs through SLF4J.
    if (System.getProperty("log4j2.loggerContextFactory") == null) {
      System.setProperty(
          "log4j2.loggerContextFactory",
          "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
    }
    if (command instanceof Command.Token || command instanceof Command.Operate) {
      // stdout is the token or the JSON answer, to be captured or piped.
      System.setProperty("LOG_LEVEL", "OFF");
    } else if (env.get("LOG_LEVEL") == null || env.get("LOG_LEVEL").isBlank()) {
      System.setProperty("LOG_LEVEL", "WARN");
      // The embedded broker warns about routine things (activating an empty metadata log on each
      // start, closing a client twice on stop); a local user can act on none of them.
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
        logback.getLogger("org.apache.kafka").setLevel(Level.ERROR);
        logback.getLogger("kafka").setLevel(Level.ERROR);
      }
    }
  }
}
