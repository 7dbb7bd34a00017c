package dev.stockroom.common.testing;

import dev.stockroom.embedded.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A crash of an embedded PostgreSQL, for tests of what survives one and what notices it. */
public final class PostgresCrash {
  private PostgresCrash() {}

  /** SIGKILL to the postmaster; returns once it and its backends are gone. */
  public static void kill(EmbeddedPostgresServer pg) throws Exception {
    long pid =
        Long.parseLong(Files.readAllLines(pg.dataDir().resolve("postmaster.pid")).get(0).trim());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
    List<ProcessHandle> backends = postmaster.descendants().toList();
    postmaster.destroyForcibly();
    postmaster.onExit().get(30, TimeUnit.SECONDS);
    for (ProcessHandle backend : backends) {
      backend.onExit().get(30, TimeUnit.SECONDS);
    }
  }
}
