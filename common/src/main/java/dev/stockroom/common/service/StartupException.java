package dev.stockroom.common.service;

/** A service could not start for a reason its operator can act on; the message says which. */
public final class StartupException extends RuntimeException {
  public StartupException(String message) {
    super(message, null, false, false);
  }
}
