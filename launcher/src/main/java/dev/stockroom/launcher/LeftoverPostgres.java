package dev.stockroom.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded PostgreSQL runs in a session of its own, so a launcher killed outright (SIGKILL, not
 * Ctrl-C) leaves it running on the data directory, and the next start failed on its {@code
 * postmaster.pid}. The data directory's lock, taken before this runs, proves that no launcher uses
 * the server any more: it is stopped before a new one starts.
 */
final class LeftoverPostgres {
  static final Duration STOP = Duration.ofSeconds(30);

  private LeftoverPostgres() {}

  /**
   * Stops {@code postmaster}, found {@link #running} on {@code pgDir}, or fails saying how to stop
   * it by hand.
   */
  static Void stop(Path pgDir, ProcessHandle postmaster) {
    // SIGTERM, PostgreSQL's smart shutdown: its sessions died with the launcher and its instances.
    // (Not pg_ctl: it refuses to run as root, which the launcher may be.)
    if (postmaster.destroy()) {
      // Gone, or its postmaster.pid removed (the last thing a shutdown does): a postmaster left to
      // an init that is slow to reap it still looks alive.
      long deadline = System.nanoTime() + STOP.toNanos();
      Path pidFile = pgDir.resolve("postmaster.pid");
      while (System.nanoTime() < deadline) {
        if (!postmaster.isAlive() || !Files.exists(pidFile)) {
          return null;
        }
        try {
          postmaster.onExit().get(100, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // look again
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new StartupException(
        "PostgreSQL "
            + postmaster.pid()
            + ", left running on "
            + pgDir
            + " by a launcher that was killed, did not stop within "
            + STOP.toSeconds()
            + " s of SIGTERM (a session still open?): `kill -INT "
            + postmaster.pid()
            + "`, then start again");
  }

  /**
   * The live server that {@code pgDir}'s {@code postmaster.pid} names, when it is a postgres
   * started on that directory (a reused pid of another process is left alone).
   */
  static Optional<ProcessHandle> running(Path pgDir) {
    return pidFileOwner(pgDir).filter(p -> isPostgresOn(p.info(), pgDir));
  }

  /**
   * For a start that failed: who still holds {@code pgDir}, when {@link #running} did not know it
   * for a server of this directory and so left it alone.
   */
  static String hint(Path pgDir) {
    return pidFileOwner(pgDir)
        .map(
            p ->
                "; PostgreSQL "
                    + p.pid()
                    + " still uses it: stop the Stockroom that runs it, or `kill "
                    + p.pid()
                    + "` if that one was killed")
        .orElse("");
  }

  /** The live process named by the first line of {@code pgDir}'s postmaster.pid, if any. */
  private static Optional<ProcessHandle> pidFileOwner(Path pgDir) {
    Path pidFile = pgDir.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // unreadable: PostgreSQL's own start decides, and says why
    }
  }

  private static boolean isPostgresOn(ProcessHandle.Info info, Path pgDir) {
    if (info.command().isEmpty() || !Path.of(info.command().get()).endsWith("postgres")) {
      return false;
    }
    String[] args = info.arguments().orElse(new String[0]);
    Path dir = pgDir.toAbsolutePath().normalize();
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("-D") && Path.of(args[i + 1]).toAbsolutePath().normalize().equals(dir)) {
        return true;
      }
    }
    return false;
  }
}
