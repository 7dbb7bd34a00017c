package dev.stockroom.launcher;

import dev.stockroom.embedded.Directories;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import dev.stockroom.embedded.EmbeddedPostgresServer;
import dev.stockroom.embedded.PostgresLog;
import java.nio.file.Path;
import java.util.List;

/**
 * The embedded PostgreSQL server (one database per service) and Kafka broker behind {@code dev} and
 * {@code infra}. Data lives under the data directory so a restart keeps users, items and topics;
 * {@code --fresh} removes it.
 */
final class Infrastructure implements AutoCloseable {
  /** One database per service: no service reads another's tables. */
  static final List<String> DATABASES = List.of("users", "inventory", "orders");

  private final DataDirLock dataLock;
  private final EmbeddedPostgresServer postgres;
  private final EmbeddedKafkaBroker kafka;
  private final Progress progress;
  private final PostgresWatch watch;
  private boolean closed;

  private Infrastructure(
      DataDirLock dataLock,
      EmbeddedPostgresServer postgres,
      EmbeddedKafkaBroker kafka,
      Progress progress) {
    this.dataLock = dataLock;
    this.postgres = postgres;
    this.kafka = kafka;
    this.progress = progress;
    this.watch = PostgresWatch.start(postgres, progress);
  }

  /** Blocking: starts PostgreSQL, creates the databases, starts Kafka. */
  static Infrastructure start(LauncherOptions options, Progress progress) {
    Path data = options.dataDir();
    // Before anything touches the directory, --fresh above all.
    DataDirLock dataLock = DataDirLock.take(data);
    try {
      return start(options, progress, dataLock);
    } catch (RuntimeException e) {
      dataLock.close();
      throw e;
    }
  }

  private static Infrastructure start(
      LauncherOptions options, Progress progress, DataDirLock dataLock) {
    Path data = options.dataDir();
    // Before --fresh wipes its postmaster.pid: the server would go on over deleted files.
    LeftoverPostgres.running(data.resolve("pg"))
        .ifPresent(
            left ->
                progress.step(
                    "PostgreSQL " + left.pid() + ", left running by a launcher that was killed",
                    () -> LeftoverPostgres.stop(data.resolve("pg"), left),
                    v -> "stopped"));
    if (options.fresh()) {
      progress.step("wiping " + data, () -> wipe(data), v -> "done");
    }
    int pgPort = Ports.preferredOrAny(options.ports().postgres());
    EmbeddedPostgresServer postgres;
    try {
      postgres =
          progress.step(
              "PostgreSQL",
              () ->
                  EmbeddedPostgresServer.start(
                      data.resolve("pg"), pgPort, false, EmbeddedPostgresServer.DURABLE),
              pg -> "up on " + pg.port());
    } catch (RuntimeException e) {
      throw new StartupException(
          "PostgreSQL did not start with data in "
              + data.resolve("pg")
              + ": "
              + rootMessage(e)
              + PostgresLog.lastComplaint(data.resolve("pg"))
                  .map(
                      line ->
                          "; its log (" + PostgresLog.file(data.resolve("pg")) + ") says: " + line)
                  .orElse("")
              + LeftoverPostgres.hint(data.resolve("pg")),
          e);
    }
    try {
      progress.step(
          "databases " + String.join(", ", DATABASES),
          () -> {
            DATABASES.forEach(postgres::createDatabaseIfMissing);
            return null;
          },
          v -> "ready");
    } catch (RuntimeException e) {
      postgres.close();
      throw new StartupException(
          "the databases could not be created in " + data.resolve("pg") + ": " + rootMessage(e), e);
    }
    try {
      int kafkaPort = Ports.preferredOrAny(options.ports().kafka());
      EmbeddedKafkaBroker kafka =
          progress.step(
              "Kafka",
              () -> EmbeddedKafkaBroker.start(data.resolve("kafka"), kafkaPort),
              k -> "up on " + k.port());
      return new Infrastructure(dataLock, postgres, kafka, progress);
    } catch (RuntimeException e) {
      postgres.close();
      throw new StartupException("Kafka did not start: " + rootMessage(e), e);
    }
  }

  EmbeddedPostgresServer postgres() {
    return postgres;
  }

  EmbeddedKafkaBroker kafka() {
    return kafka;
  }

  /** Stops Kafka, then PostgreSQL (the services using them must be stopped already). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    watch.close();
    Progress.Step step = progress.start("stopping Kafka");
    try {
      kafka.close();
      step.done("done");
    } catch (RuntimeException e) {
      step.done("failed: " + rootMessage(e));
    }
    step = progress.start("stopping PostgreSQL");
    try {
      boolean wasRunning = postgres.isRunning();
      postgres.close();
      step.done(wasRunning ? "done" : "it had already stopped (killed from outside?)");
    } catch (RuntimeException e) {
      step.done("failed: " + rootMessage(e));
    }
    dataLock.close();
  }

  /**
   * Removes what the launcher stores under {@code data}, not the directory itself: {@code --data}
   * may point at a directory that holds other things.
   */
  static Void wipe(Path data) {
    for (String part : List.of("pg", "pg.log", "kafka", DemoState.FILE_NAME)) {
      Directories.deleteRecursively(data.resolve(part));
    }
    return null;
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    // Some exceptions (Kafka's among them) carry an empty message: name the type instead.
    String message = root.getMessage();
    if (message == null || message.isBlank()) {
      return root.getClass().getSimpleName();
    }
    return message.lines().findFirst().orElse(message).trim();
  }

  /**
   * Closes a small Vert.x of the launcher's own (the JWKS server's, the token minter's), waiting at
   * most 10 s: nothing else runs on it, and a slow close must not hide a result or an error.
   */
  static void closeQuietly(io.vertx.core.Vertx vertx) {
    try {
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // given up on: see above
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
