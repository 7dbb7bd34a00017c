package dev.stockroom.launcher;

import java.io.PrintStream;

/** {@code infra}: PostgreSQL and Kafka only, so the service jars can run as separate processes. */
final class InfraCommand {
  private InfraCommand() {}

  static int run(LauncherOptions options, PrintStream out) {
    Progress progress = new Progress(out);
    long start = System.nanoTime();
    Infrastructure infra = Infrastructure.start(options, progress);
    Banner.infra(infra, options, Progress.seconds(System.nanoTime() - start))
        .forEach(progress::plain);
    Shutdown.awaitSignalThenRun(
        () -> {
          infra.close();
          progress.plain("Stopped.");
        },
        progress);
    return 0;
  }
}
