package dev.stockroom.launcher;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;

/**
 * An instance's JVM under {@code dev --instances N}: the service's own main, watched over by the
 * launcher that started it. A launcher killed outright (SIGKILL, the OOM killer) runs no shutdown
 * hook, and its instances went on without it, holding their ports and database sessions; now each
 * stops itself, through the service's own orderly stop, once its launcher is gone.
 */
public final class InstanceMain {
  private InstanceMain() {}

  /** {@code args}: the service's main class, then the launcher's pid. */
  public static void main(String[] args) throws Throwable {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: InstanceMain SERVICE_MAIN_CLASS LAUNCHER_PID");
    }
    long launcherPid = Long.parseLong(args[1]);
    // By pid, not parent(): a launcher already gone has left this process to another parent.
    Optional<ProcessHandle> launcher = ProcessHandle.of(launcherPid).filter(ProcessHandle::isAlive);
    if (launcher.isEmpty()) {
      launcherGone(launcherPid);
    }
    // On a thread of its own: onExit completes on the JDK's process reaper, whose stack is small,
    // and exit waits there for the service's whole orderly stop.
    launcher
        .get()
        .onExit()
        .thenRunAsync(() -> launcherGone(launcherPid), r -> new Thread(r, "launcher-gone").start());
    MethodHandle main =
        MethodHandles.publicLookup()
            .findStatic(
                Class.forName(args[0]), "main", MethodType.methodType(void.class, String[].class));
    main.invokeExact(new String[0]);
  }

  private static void launcherGone(long pid) {
    System.err.println("the launcher (pid " + pid + ") is gone: this instance stops");
    System.exit(1);
  }
}
