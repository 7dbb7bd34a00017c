package dev.stockroom.launcher;

import java.io.PrintStream;

/** {@code dev}: start everything, print how to use it, run until Ctrl-C, stop in order. */
final class DevCommand {
  private DevCommand() {}

  static int run(LauncherOptions options, PrintStream out) {
    Progress progress = new Progress(out);
    long start = System.nanoTime();
    DevSession session = DevSession.start(options, progress);
    Banner.dev(session, options, Progress.seconds(System.nanoTime() - start))
        .forEach(progress::plain);
    Shutdown.awaitSignalThenRun(
        () -> {
          session.close();
          progress.plain("Stopped.");
        },
        progress);
    return 0;
  }
}
