package dev.stockroom.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded server's own output (initdb's, pg_ctl's, the server's log), kept beside its data.
 */
public final class PostgresLog {
  private static final Pattern COMPLAINT =
      Pattern.compile("FATAL|PANIC|initdb: error|No space left|Permission denied");

  private PostgresLog() {}

  /**
   * Where a kept server's own output goes: beside its data directory. zonky would log it at INFO,
   * which the services' logging keeps quiet, so the reason a server did not start (a full disk, a
   * data directory's permissions) was nowhere to be read.
   */
  public static Path file(Path dataDir) {
    Path dir = dataDir.toAbsolutePath();
    return dir.resolveSibling(dir.getFileName() + ".log");
  }

  /** The last line of {@link #file} that says why the server stopped or did not start. */
  public static Optional<String> lastComplaint(Path dataDir) {
    try (Stream<String> lines = Files.lines(file(dataDir))) {
      return lines
          .filter(line -> COMPLAINT.matcher(line).find())
          .reduce((first, second) -> second)
          .map(String::strip);
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
  }
}
