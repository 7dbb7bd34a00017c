package dev.stockroom.common.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Typed access to environment variables. Every accessor either returns a valid value or throws a
 * {@link ConfigException} whose message names the variable, what was expected and what was found,
 * so a bad deployment fails at start with one readable line.
 */
public final class Env {
  private final Map<String, String> values;
  private final Consumer<String> reads;

  public Env(Map<String, String> values) {
    this(values, name -> {});
  }

  private Env(Map<String, String> values, Consumer<String> reads) {
    this.values = Map.copyOf(values);
    this.reads = reads;
  }

  /**
   * An environment that tells {@code reads} the name of every variable asked for, set or not: what
   * a service's configuration code reads is then a fact of the code, not of a reading of its source
   * (the Kubernetes manifests' tests check that every variable a pod sets is read).
   */
  public static Env recording(Map<String, String> values, Consumer<String> reads) {
    return new Env(values, reads);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public Map<String, String> asMap() {
    return values;
  }

  public Optional<String> optional(String name) {
    reads.accept(name);
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  /**
   * One of {@code allowed} (any case; answered as written there), else a {@link ConfigException}.
   */
  public String oneOf(String name, String defaultValue, List<String> allowed) {
    String value = string(name, defaultValue);
    return allowed.stream()
        .filter(value::equalsIgnoreCase)
        .findFirst()
        .orElseThrow(
            () ->
                new ConfigException(
                    name + ": expected " + String.join(" or ", allowed) + ", got '" + value + "'"));
  }

  public String required(String name, String expected) {
    return optional(name)
        .orElseThrow(() -> new ConfigException(name + " is required: " + expected));
  }

  public int port(String name, int defaultValue) {
    int port = integer(name, defaultValue, "a TCP port number from 1 to 65535");
    if (port < 1 || port > 65535) {
      throw invalid(name, "a TCP port number from 1 to 65535", String.valueOf(port));
    }
    return port;
  }

  public int intInRange(String name, int defaultValue, int min, int max) {
    String expected = "a whole number from " + min + " to " + max;
    int value = integer(name, defaultValue, expected);
    if (value < min || value > max) {
      throw invalid(name, expected, String.valueOf(value));
    }
    return value;
  }

  /** Longer durations overflow the arithmetic they meet (timers in ms, now minus a budget). */
  private static final Duration MAX_DURATION = Duration.ofDays(36_500);

  public Duration duration(String name, Duration defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      Duration value = Duration.parse(raw.get());
      if (value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
        throw invalid(
            name, "an ISO-8601 duration from PT0S to 100 years, such as PT15M", raw.get());
      }
      return value;
    } catch (DateTimeParseException e) {
      throw invalid(name, "an ISO-8601 duration such as PT15M or PT0.5S", raw.get());
    }
  }

  /**
   * A duration that must not be zero: an interval a timer repeats at, a timeout, a lease (a timer
   * cannot fire in under a millisecond, and a timeout of 0 means none at all to Vert.x).
   */
  public Duration positiveDuration(String name, Duration defaultValue) {
    Duration value = duration(name, defaultValue);
    if (value.compareTo(Duration.ofMillis(1)) < 0) {
      throw invalid(
          name, "an ISO-8601 duration of at least PT0.001S, such as PT15M", optional(name).get());
    }
    return value;
  }

  /** A duration of at least {@code min}; {@code why} says what a shorter one would break. */
  public Duration durationAtLeast(String name, Duration defaultValue, Duration min, String why) {
    Duration value = duration(name, defaultValue);
    if (value.compareTo(min) < 0) {
      throw invalid(name, "at least " + min + " (" + why + ")", optional(name).orElse(""));
    }
    return value;
  }

  /** A URI with one of the given schemes and a host, e.g. {@code postgresql://u:p@host:5432/db}. */
  public URI uri(String name, String defaultValue, String... schemes) {
    String raw = string(name, defaultValue);
    String expected =
        "a URI like "
            + schemes[0]
            + "://host:port/..."
            + " (scheme "
            + String.join(" or ", schemes)
            + ")";
    if (raw == null) {
      throw new ConfigException(name + " is required: " + expected);
    }
    try {
      URI uri = new URI(raw);
      if (uri.getScheme() == null
          || Arrays.stream(schemes).noneMatch(s -> s.equalsIgnoreCase(uri.getScheme()))
          || uri.getHost() == null
          || uri.getPort() > 65535) {
        throw invalid(name, expected, redact(raw));
      }
      return uri;
    } catch (URISyntaxException e) {
      throw invalid(name, expected, redact(raw));
    }
  }

  /** Comma-separated host:port pairs, e.g. Kafka bootstrap servers. */
  public String hostPorts(String name, String defaultValue) {
    String raw = string(name, defaultValue);
    String expected = "comma-separated host:port pairs such as localhost:9092";
    for (String part : raw.split(",")) {
      int colon = part.trim().lastIndexOf(':');
      if (colon <= 0) {
        throw invalid(name, expected, raw);
      }
      try {
        int port = Integer.parseInt(part.trim().substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw invalid(name, expected, raw);
        }
      } catch (NumberFormatException e) {
        throw invalid(name, expected, raw);
      }
    }
    return raw;
  }

  public <E extends Enum<E>> E oneOf(String name, Class<E> type, E defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      return Enum.valueOf(type, raw.get().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      String allowed =
          String.join(
              ", ",
              Arrays.stream(type.getEnumConstants())
                  .map(c -> c.name().toLowerCase(Locale.ROOT))
                  .toList());
      throw invalid(name, "one of " + allowed, raw.get());
    }
  }

  /**
   * PEM text, or a path to a PEM file (as Kubernetes mounts secrets); empty when unset. Read once
   * at start-up, before any event loop runs.
   */
  public Optional<String> pem(String name) {
    return optional(name).map(value -> pemText(name, value));
  }

  private static String pemText(String name, String value) {
    if (value.startsWith("-----BEGIN")) {
      return value;
    }
    try {
      String text = Files.readString(Path.of(value));
      if (!text.startsWith("-----BEGIN")) {
        throw new ConfigException(name + ": expected PEM text or a PEM file, got file " + value);
      }
      return text;
    } catch (IOException | InvalidPathException e) {
      throw new ConfigException(name + ": expected PEM text or a readable PEM file, got " + value);
    }
  }

  private int integer(String name, int defaultValue, String expected) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(raw.get());
    } catch (NumberFormatException e) {
      throw invalid(name, expected, raw.get());
    }
  }

  private static ConfigException invalid(String name, String expected, String got) {
    return new ConfigException(name + ": expected " + expected + ", got '" + got + "'");
  }

  /**
   * A URI's password masked, in its user-info and as a {@code password=} parameter alike: never
   * echoed into an error or a log.
   */
  public static String redact(String raw) {
    return raw.replaceAll("(//[^:/@]+:)[^@]*@", "$1***@")
        .replaceAll("(?i)([?&;\\s\"]password=)[^&\\s\"]*", "$1***");
  }
}
