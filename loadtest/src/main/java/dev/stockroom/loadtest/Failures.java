package dev.stockroom.loadtest;

/** How a failure is written down: the first line of its root cause's message. */
public final class Failures {
  private Failures() {}

  public static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.toString() : root.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
