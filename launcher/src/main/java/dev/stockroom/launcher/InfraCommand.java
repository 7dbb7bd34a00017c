package dev.stockroom.launcher;

import java.io.PrintStream;

/**
 * {@code infra}: PostgreSQL, Kafka and the local JWKS only, so the service jars can run as separate
 * processes.
 */
final class InfraCommand {
  private InfraCommand() {}

  static int run(LauncherOptions options, PrintStream out) {
    Progress progress = new Progress(out);
    long start = System.nanoTime();
    DevKeys keys = DevKeys.loadOrCreate(options.dataDir());
    Infrastructure infra = Infrastructure.start(options, progress);
    JwksServer jwks;
    try {
      jwks =
          progress.step(
              "JWKS", () -> JwksServer.start(keys.jwks(), options.ports().jwks()), j -> j.url());
    } catch (RuntimeException e) {
      infra.close();
      throw e;
    }
    Banner.infra(infra, jwks.url(), keys, options, Progress.seconds(System.nanoTime() - start))
        .forEach(progress::plain);
    Shutdown.awaitSignalThenRun(
        () -> {
          jwks.close();
          infra.close();
          progress.plain("Stopped.");
        },
        progress);
    return 0;
  }
}
