package dev.stockroom.loadtest.system;

import dev.stockroom.embedded.EmbeddedKafkaBroker;
import dev.stockroom.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Embedded PostgreSQL (one database per service, plus nothing else) and a Kafka broker, both in
 * temporary directories, run inside the harness JVM: that is what lets the harness stop and restart
 * the broker while the services are under load.
 */
public final class Infra implements AutoCloseable {
  public static final List<String> DATABASES = List.of("users", "inventory", "orders");

  private final EmbeddedPostgresServer postgres;
  private final EmbeddedKafkaBroker kafka;

  private Infra(EmbeddedPostgresServer postgres, EmbeddedKafkaBroker kafka) {
    this.postgres = postgres;
    this.kafka = kafka;
  }

  public static Infra start() {
    return start(null);
  }

  /**
   * As {@link #start()}, with PostgreSQL's data in {@code pgDataDir} (wiped first) so that it can
   * be restarted under load; {@code null} for a temporary directory.
   */
  public static Infra start(Path pgDataDir) {
    // pg_stat_statements says which statements the time goes to; loaded with tracking off, and
    // on only while a scenario asks for it, so it costs the other measurements nothing. Commits
    // as durable as in production: every write path is measured at its real price.
    Map<String, String> settings = new HashMap<>(EmbeddedPostgresServer.DURABLE);
    settings.put("shared_preload_libraries", "pg_stat_statements");
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(pgDataDir, 0, true, settings);
    try {
      DATABASES.forEach(pg::createDatabaseIfMissing);
      new StatementStats(pg.uri("postgres")).install();
      return new Infra(pg, EmbeddedKafkaBroker.start(null, 0));
    } catch (RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  public String pgUri(String database) {
    return postgres.uri(database);
  }

  /** Per-statement counters of every service database. */
  public StatementStats statements() {
    return new StatementStats(postgres.uri("postgres"));
  }

  /** A fast shutdown and start of PostgreSQL on the same port and data (cuts every session). */
  public void restartPostgres() {
    postgres.restart();
  }

  public EmbeddedKafkaBroker kafka() {
    return kafka;
  }

  /** The postmaster's pid (first line of postmaster.pid), for CPU accounting. */
  public Optional<Long> postmasterPid() {
    try {
      List<String> lines = Files.readAllLines(postgres.dataDir().resolve("postmaster.pid"));
      return Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The postmaster and all its backends. */
  public List<Long> postgresPids() {
    List<Long> pids = new ArrayList<>();
    postmasterPid()
        .flatMap(ProcessHandle::of)
        .ifPresent(
            h -> {
              pids.add(h.pid());
              h.descendants().forEach(d -> pids.add(d.pid()));
            });
    return pids;
  }

  public Path pgDataDir() {
    return postgres.dataDir();
  }

  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      postgres.close();
    }
  }
}
