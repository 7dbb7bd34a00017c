package dev.stockroom.launcher;

/** The command line is wrong: the message is shown above the usage text, and the exit code is 2. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message, null, false, false);
  }
}
