package dev.stockroom.common.config;

/** A configuration value is missing or malformed; the message is one line naming the variable. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
