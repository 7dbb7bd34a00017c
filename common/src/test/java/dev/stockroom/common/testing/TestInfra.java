package dev.stockroom.common.testing;

import dev.stockroom.embedded.EmbeddedKafkaBroker;
import dev.stockroom.embedded.EmbeddedPostgresServer;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Infrastructure shared by all tests of one JVM: one PostgreSQL server and one Kafka broker,
 * started lazily on first use and stopped by a shutdown hook. Starting them once per JVM rather
 * than per class saves seconds per test class; isolation comes from {@link #freshDatabase} and from
 * tests using their own topic names.
 *
 * <p>Blocking; call from test threads, never from an event loop.
 */
public final class TestInfra {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgresServer postgres;
  private static EmbeddedKafkaBroker kafka;
  private static boolean hookRegistered;

  private TestInfra() {}

  public static synchronized EmbeddedPostgresServer postgres() {
    if (postgres == null) {
      registerHook();
      postgres = EmbeddedPostgresServer.start(null, 0, true);
    }
    return postgres;
  }

  /**
   * The shared broker. A test that stops it must restart it before finishing, since later test
   * classes of the same JVM use it too.
   */
  public static synchronized EmbeddedKafkaBroker kafka() {
    if (kafka == null) {
      registerHook();
      kafka = EmbeddedKafkaBroker.start(null, 0);
    }
    return kafka;
  }

  /**
   * Creates a new, empty database with a unique name starting with {@code prefix} and returns its
   * URI (see {@link EmbeddedPostgresServer#uri}). Copying {@code template0} takes milliseconds.
   */
  public static String freshDatabase(String prefix) {
    String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    // PostgreSQL truncates identifiers at 63 bytes; keep the unique suffix intact.
    if (clean.length() > 40) {
      clean = clean.substring(0, 40);
    }
    String name =
        clean
            + "_"
            + DATABASES.incrementAndGet()
            + "_"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    EmbeddedPostgresServer pg = postgres();
    pg.createDatabaseFromTemplate(name, "template0");
    return pg.uri(name);
  }

  private static void registerHook() {
    if (hookRegistered) {
      return;
    }
    hookRegistered = true;
    Runtime.getRuntime().addShutdownHook(new Thread(TestInfra::shutdown, "test-infra-shutdown"));
  }

  private static synchronized void shutdown() {
    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }
}
