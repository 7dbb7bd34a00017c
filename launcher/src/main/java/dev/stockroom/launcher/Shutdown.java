package dev.stockroom.launcher;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs an orderly stop on Ctrl-C (SIGINT), SIGTERM or SIGHUP (the terminal closed) and blocks the
 * main thread until it is done.
 *
 * <p>Why signal handlers and not only a shutdown hook: the embedded PostgreSQL library registers a
 * shutdown hook of its own, and the JVM runs hooks concurrently, so on a plain hook PostgreSQL
 * could stop before the services had drained. A signal handler runs before the JVM starts exiting;
 * our hook stays as a fallback for other ways out (it waits for a stop already running).
 */
final class Shutdown {
  private final Runnable stop;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Progress progress;

  private Shutdown(Runnable stop, Progress progress) {
    this.stop = stop;
    this.progress = progress;
  }

  /** Returns once {@code stop} has run after a signal (or the JVM is exiting anyway). */
  static void awaitSignalThenRun(Runnable stop, Progress progress) {
    Shutdown shutdown = new Shutdown(stop, progress);
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown::stopOnce, "stockroom-shutdown"));
    for (String name : new String[] {"INT", "TERM", "HUP"}) {
      try {
        SignalHandler previous = Signal.handle(new Signal(name), signal -> shutdown.stopOnce());
        // The JVM keeps a signal ignored that its parent ignored: nohup does so for HUP (a shell
        // does it for INT in background jobs, where that is expected and not worth a word).
        if (name.equals("HUP") && previous == SignalHandler.SIG_IGN) {
          progress.plain(
              "(SIGHUP is ignored in this process, e.g. started under nohup: closing the terminal"
                  + " will not stop Stockroom; Ctrl-C or SIGTERM will)");
        }
      } catch (IllegalArgumentException e) {
        // Signal unavailable here (e.g. the JVM runs with -Xrs): the shutdown hook still works.
      }
    }
    try {
      shutdown.stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopOnce() {
    if (!stopping.compareAndSet(false, true)) {
      if (stopped.getCount() > 0) { // a second Ctrl-C; the hook after a finished stop is quiet
        progress.plain("(already stopping, please wait)");
      }
      awaitStopped();
      return;
    }
    progress.plain("");
    try {
      stop.run();
    } finally {
      stopped.countDown();
    }
  }

  private void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
