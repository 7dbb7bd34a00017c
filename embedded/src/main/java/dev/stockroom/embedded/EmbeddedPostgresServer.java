package dev.stockroom.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from the binaries shipped in the zonky jar, for the launcher's
 * {@code dev}/{@code infra} commands and for tests.
 *
 * <p>Every method blocks (process start, JDBC): call it from test, launcher or worker threads,
 * never from an event loop. The server trusts local connections, so any password is accepted.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  /** Superuser created by zonky's initdb; authentication is {@code trust}. */
  public static final String USER = "postgres";

  private static final String PASSWORD = "postgres";

  private EmbeddedPostgres postgres; // replaced by restart()
  private final Path dataDir;
  private final boolean temporary;
  private final Map<String, String> settings;

  private EmbeddedPostgresServer(
      EmbeddedPostgres postgres, Path dataDir, boolean temporary, Map<String, String> settings) {
    this.postgres = postgres;
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.settings = Map.copyOf(settings);
  }

  /**
   * Starts a server.
   *
   * @param dataDir where the cluster lives and is kept between runs; {@code null} for a temporary
   *     directory deleted on {@link #close()}
   * @param port the port to listen on, {@code 0} for any free port
   * @param fresh wipe {@code dataDir} first (ignored for a temporary directory)
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port, boolean fresh) {
    return start(dataDir, port, fresh, Map.of());
  }

  /**
   * What a production server does with a commit, set over zonky's defaults ({@code -F}, which turns
   * fsync off, and {@code synchronous_commit=off}): a commit is answered only once its WAL is
   * written and flushed. With zonky's, a PostgreSQL that crashed (or was killed) lost the commits
   * of its last fraction of a second, orders answered 202 among them, and benchmarks measured
   * writes cheaper than any deployment has them. Tests that need no durability keep zonky's.
   */
  public static final Map<String, String> DURABLE =
      Map.of("fsync", "on", "synchronous_commit", "on");

  /**
   * Starts a server with extra {@code postgresql.conf} settings on top of zonky's (which include
   * {@code synchronous_commit=off}, fsync off and {@code max_connections=300}), e.g. {@code
   * shared_preload_libraries} or {@link #DURABLE}.
   */
  public static EmbeddedPostgresServer start(
      Path dataDir, int port, boolean fresh, Map<String, String> settings) {
    return start(dataDir, port, fresh, settings, Duration.ofSeconds(30));
  }

  /**
   * As {@link #start(Path, int, boolean, Map)}, waiting at most {@code startupWait} for the server
   * to accept connections (zonky waits that long even when the server has already given up).
   */
  public static EmbeddedPostgresServer start(
      Path dataDir, int port, boolean fresh, Map<String, String> settings, Duration startupWait) {
    try {
      EmbeddedPostgres.Builder builder = builder(port, settings).setPGStartupWait(startupWait);
      Path dir;
      if (dataDir == null) {
        // Our own temp dir (rather than zonky's) so the log line can name it; zonky deletes it.
        dir = Files.createTempDirectory("stockroom-pg-");
        builder.setDataDirectory(dir).setCleanDataDirectory(true);
      } else {
        dir = dataDir.toAbsolutePath();
        if (fresh) {
          Directories.deleteRecursively(dir);
        }
        Files.createDirectories(dir);
        // zonky runs initdb only when postgresql.conf is missing, so an existing cluster is reused.
        builder.setDataDirectory(dir).setCleanDataDirectory(false);
        logTo(builder, dir);
      }
      EmbeddedPostgresServer server =
          new EmbeddedPostgresServer(builder.start(), dir, dataDir == null, settings);
      LOG.info(
          "Embedded PostgreSQL up on port {} with data in {}{}",
          server.port(),
          dir,
          dataDir == null ? " (temporary)" : "");
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
    }
  }

  private static void logTo(EmbeddedPostgres.Builder builder, Path dir) {
    ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(PostgresLog.file(dir).toFile());
    builder.setOutputRedirector(log).setErrorRedirector(log);
  }

  private static EmbeddedPostgres.Builder builder(int port, Map<String, String> settings) {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(30));
    settings.forEach(builder::setServerConfig);
    if (port != 0) {
      builder.setPort(port);
    }
    return builder;
  }

  /**
   * Starts a server that stopped without being asked (a crash, a kill) again on the same data
   * directory, port and settings, trying for up to {@code within}: PostgreSQL refuses to start
   * while backends of the dead postmaster still hold its shared memory. Nothing happens when it
   * runs. A temporary directory is gone with its server and cannot be started again.
   */
  public synchronized void startAgain(Duration within) {
    if (isRunning()) {
      return;
    }
    if (temporary) {
      throw new IllegalStateException("a PostgreSQL in a temporary directory cannot start again");
    }
    int port = port();
    ZonkyInternals.markClosed(postgres);
    ZonkyInternals.releaseDirectoryLock(postgres);
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        EmbeddedPostgres.Builder builder =
            builder(port, settings)
                .setPGStartupWait(Duration.ofSeconds(10))
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false);
        logTo(builder, dataDir);
        postgres = builder.start();
        LOG.info("Embedded PostgreSQL up again on port {} with data in {}", port, dataDir);
        return;
      } catch (IOException | RuntimeException e) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "PostgreSQL did not start again within "
                  + within
                  + PostgresLog.lastComplaint(dataDir)
                      .map(line -> "; its log says: " + line)
                      .orElse(""),
              e);
        }
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting PostgreSQL again", e);
    }
  }

  /**
   * A fast shutdown (every session is cut, as by {@code pg_ctl restart -m fast}) and a start on the
   * same data directory and port: a database restart as its clients see it. Only for a server with
   * a kept data directory; a temporary one is deleted when it stops.
   */
  public synchronized void restart() {
    if (temporary) {
      throw new IllegalStateException("a PostgreSQL in a temporary directory cannot restart");
    }
    int port = port();
    try {
      postgres.close();
      EmbeddedPostgres.Builder builder =
          builder(port, settings).setDataDirectory(dataDir).setCleanDataDirectory(false);
      logTo(builder, dataDir);
      postgres = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not restart embedded PostgreSQL", e);
    }
  }

  public synchronized int port() {
    return postgres.getPort();
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * A connection URI for {@code database}: {@code
   * postgresql://localhost:<port>/<db>?user=postgres&password=postgres}. Credentials are query
   * parameters, not user-info, because pgjdbc rejects user-info: the same string works with
   * vertx-pg-client's {@code PgConnectOptions.fromUri} and, prefixed with {@code jdbc:}, with JDBC
   * and Flyway.
   */
  public String uri(String database) {
    return "postgresql://localhost:%d/%s?user=%s&password=%s"
        .formatted(port(), database, USER, PASSWORD);
  }

  /** The JDBC form of {@link #uri(String)}. */
  public String jdbcUrl(String database) {
    return "jdbc:" + uri(database);
  }

  public void createDatabaseIfMissing(String name) {
    databases().createIfMissing(name);
  }

  /**
   * Creates {@code name} as a copy of {@code template}. PostgreSQL refuses while anyone else is
   * connected to the template.
   */
  public void createDatabaseFromTemplate(String name, String template) {
    databases().createFromTemplate(name, template);
  }

  /** Drops {@code name} if it exists, disconnecting its sessions. */
  public void dropDatabase(String name) {
    databases().drop(name);
  }

  private PostgresDatabases databases() {
    return new PostgresDatabases(postgres.getPostgresDatabase());
  }

  /**
   * Stops the server; a temporary data directory is deleted. A server that was killed from outside
   * is reported as such, not as a failed stop (pg_ctl cannot stop what is gone).
   */
  @Override
  public synchronized void close() {
    if (!isRunning() && ZonkyInternals.markClosed(postgres)) {
      // zonky's close (and its shutdown hook, which the mark cancels) would run pg_ctl stop on a
      // server that is gone, and log pg_ctl's failure with a stack trace.
      LOG.info("PostgreSQL in {} had already stopped", dataDir);
      ZonkyInternals.releaseDirectoryLock(postgres);
      if (temporary) {
        Directories.deleteRecursively(dataDir);
      }
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not stop embedded PostgreSQL", e);
    }
  }

  /** Whether the postmaster named in the data directory's postmaster.pid is alive. */
  public boolean isRunning() {
    try {
      Path pidFile = dataDir.resolve("postmaster.pid");
      if (!Files.exists(pidFile)) {
        return false;
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | RuntimeException e) {
      // Unreadable: let pg_ctl decide.
      return true;
    }
  }
}
