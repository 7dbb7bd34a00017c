package dev.stockroom.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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

  /** {@code help}, {@code --help} or no arguments. */
  record Help() implements Command {}
}
