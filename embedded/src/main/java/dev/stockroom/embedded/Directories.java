package dev.stockroom.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-tree housekeeping shared by the embedded servers, the launcher and the benchmarks. */
public final class Directories {
  private Directories() {}

  /** Deletes {@code path} and everything under it; nothing when it does not exist. */
  public static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    // Deepest first: a directory is empty by the time it is deleted.
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete " + path, e);
    }
  }
}
