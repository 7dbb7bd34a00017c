package dev.stockroom.launcher;

import dev.stockroom.embedded.EmbeddedPostgresServer;
import dev.stockroom.embedded.PostgresLog;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Notices the local PostgreSQL stopping without being asked (a crash, an out-of-memory kill, a
 * {@code kill -9}) and starts it again on the same data: the services answer 503 meanwhile and
 * reconnect by themselves. Without it the launcher ran on silently with a dead database, and only a
 * restart of the whole launcher brought the system back.
 */
final class PostgresWatch implements AutoCloseable {
  static final Duration EVERY = Duration.ofSeconds(2);
  private static final Duration START_AGAIN_WITHIN = Duration.ofSeconds(60);

  private final EmbeddedPostgresServer postgres;
  private final Progress progress;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "stockroom-postgres-watch");
            t.setDaemon(true);
            return t;
          });

  private PostgresWatch(EmbeddedPostgresServer postgres, Progress progress) {
    this.postgres = postgres;
    this.progress = progress;
  }

  static PostgresWatch start(EmbeddedPostgresServer postgres, Progress progress) {
    PostgresWatch watch = new PostgresWatch(postgres, progress);
    watch.timer.scheduleWithFixedDelay(
        watch::check, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return watch;
  }

  private void check() {
    if (postgres.isRunning()) {
      return;
    }
    progress.plain(
        "PostgreSQL stopped without being asked"
            + PostgresLog.lastComplaint(postgres.dataDir())
                .map(line -> " (its log: " + line + ")")
                .orElse("")
            + ": starting it again; the services answer 503 until it is back");
    try {
      postgres.startAgain(START_AGAIN_WITHIN);
      progress.plain(
          "PostgreSQL is back on port "
              + postgres.port()
              + "; the services reconnect by themselves");
    } catch (RuntimeException e) {
      progress.plain(
          "PostgreSQL did not start again: "
              + Infrastructure.rootMessage(e)
              + " (its log: "
              + PostgresLog.file(postgres.dataDir())
              + "); stop with Ctrl-C and start the launcher again");
    }
  }

  /** Stops watching: before an orderly stop of PostgreSQL, which is not a crash. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(70, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
