package dev.stockroom.common.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Flyway refuses to start against a database whose applied migration has changed since (its
 * checksum counts every byte, comments too): a service whose release edited one crash-loops in a
 * rollout until someone repairs the history by hand. Every migration of every module is listed with
 * its SHA-256 in {@code released-migrations.txt}; a listed one must not change. A schema change is
 * a new migration.
 */
@DisplayName("Released migrations never change")
class ReleasedMigrationsTest {
  private static final Path ROOT = Path.of("..");
  private static final Path LIST = Path.of("src/test/resources/structure/released-migrations.txt");

  @Test
  @DisplayName("every migration is listed with its checksum, and none listed has changed")
  void migrationsAreImmutable() throws IOException {
    Map<String, String> listed = new LinkedHashMap<>();
    for (String line : Files.readAllLines(LIST)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] parts = line.trim().split("\\s+", 2);
        listed.put(parts[1], parts[0]);
      }
    }
    Map<String, String> found = migrations();
    List<String> problems = new ArrayList<>();
    found.forEach(
        (path, sha) -> {
          String expected = listed.get(path);
          if (expected == null) {
            problems.add("not listed (add the line \"" + sha + "  " + path + "\")");
          } else if (!expected.equals(sha)) {
            problems.add(
                path
                    + " changed: a released migration must stay as it was (add a new one); only"
                    + " one never released may have its line updated to "
                    + sha);
          }
        });
    listed.keySet().stream()
        .filter(path -> !found.containsKey(path))
        .forEach(path -> problems.add(path + " is listed but gone: Flyway would refuse the gap"));
    assertThat(problems).as("in " + LIST).isEmpty();
  }

  /** Every module's Flyway migrations, by path from the repository's root. */
  private static Map<String, String> migrations() throws IOException {
    Map<String, String> found = new TreeMap<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path db :
          modules
              .map(m -> m.resolve("src/main/resources/db"))
              .filter(Files::isDirectory)
              .toList()) {
        try (Stream<Path> files = Files.walk(db)) {
          for (Path file :
              files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).toList()) {
            found.put(ROOT.relativize(file).toString(), sha256(Files.readAllBytes(file)));
          }
        }
      }
    }
    assertThat(found).as("migrations under " + ROOT.toAbsolutePath()).isNotEmpty();
    return found;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
