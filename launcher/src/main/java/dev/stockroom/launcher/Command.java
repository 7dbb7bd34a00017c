package dev.stockroom.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A parsed command line: what to run, with everything already validated. */
sealed interface Command {

  /** {@code dev}: infrastructure, the three services, optionally demo data. */
  record Dev(LauncherOptions options) implements Command {}

  /** {@code infra}: PostgreSQL and Kafka only, for running the service jars separately. */
  record Infra(LauncherOptions options) implements Command {}

  /**
   * {@code token}: mint one JWT and print it; in dev with the issuer key kept in {@code dataDir}.
   */
  record Token(String subject, List<String> roles, Duration ttl, Path dataDir) implements Command {
    public Token {
      roles = List.copyOf(roles);
    }
  }

  /**
   * {@code outbox status} / {@code replica status}: an admin endpoint of a running service,
   * printed.
   *
   * @param path the service's admin endpoint
   * @param token a bearer token given with {@code --token} or {@code STOCKROOM_TOKEN}; without one,
   *     an admin token is minted as {@code token} would
   */
  record Operate(String method, String path, URI url, Optional<String> token, Path dataDir)
      implements Command {}

  /** {@code help}, {@code --help} or no arguments. */
  record Help() implements Command {}
}
