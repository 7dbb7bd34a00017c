package dev.stockroom.launcher;

/**
 * Something the launcher starts did not come up. The message is one line for the user; the cause is
 * logged at debug level, so {@code LOG_LEVEL=DEBUG} shows the stack trace. Exit code 1.
 */
final class StartupException extends RuntimeException {
  StartupException(String message, Throwable cause) {
    super(message, cause);
  }

  StartupException(String message) {
    super(message);
  }
}
