package dev.stockroom.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.FileLock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What zonky offers no API for, for a server that died under it: reached through its private
 * fields, and harmless (nothing done) should a zonky version not have them.
 */
final class ZonkyInternals {
  private static final Logger LOG = LoggerFactory.getLogger(ZonkyInternals.class);

  private ZonkyInternals() {}

  /**
   * Marks the instance closed without running pg_ctl (its close, and its shutdown hook, would run
   * pg_ctl stop on a server that is gone); false when it was closed already or the flag is missing,
   * so that a close runs as usual.
   */
  static boolean markClosed(EmbeddedPostgres postgres) {
    try {
      Field closed = EmbeddedPostgres.class.getDeclaredField("closed");
      closed.setAccessible(true);
      return !((AtomicBoolean) closed.get(postgres)).getAndSet(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Releases the lock zonky holds on the data directory while its server runs (its close would,
   * after a failing pg_ctl stop): without it, no server of this JVM could start on the directory
   * again.
   */
  static void releaseDirectoryLock(EmbeddedPostgres postgres) {
    try {
      Field lock = EmbeddedPostgres.class.getDeclaredField("lock");
      lock.setAccessible(true);
      if (lock.get(postgres) instanceof FileLock held) {
        held.release();
      }
      Field stream = EmbeddedPostgres.class.getDeclaredField("lockStream");
      stream.setAccessible(true);
      if (stream.get(postgres) instanceof Closeable open) {
        open.close();
      }
    } catch (ReflectiveOperationException | IOException | RuntimeException e) {
      LOG.debug("could not release the data directory's lock: {}", e.toString());
    }
  }
}
