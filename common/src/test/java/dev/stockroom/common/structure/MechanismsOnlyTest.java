package dev.stockroom.common.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * common holds mechanisms (config, db, http, auth, outbox, replica, kafka): the services configure
 * them (a replica's owner is an {@code OwnerApi} the consuming service gives). No string in its
 * code may name a service, its topic or its API; comments may use them as examples.
 */
@DisplayName("common knows no service")
class MechanismsOnlyTest {
  /** A string literal that names a service, its topic or its API ({@code "/users"}). */
  private static final Pattern SERVICE =
      Pattern.compile("\"[^\"]*\\b(users|inventory|orders)\\b[^\"]*\"");

  private static final Pattern COMMENT = Pattern.compile("^\\s*(\\*|//|/\\*)");

  @Test
  @DisplayName("no string in common's main code names users, inventory or orders")
  void noServiceNamed() throws IOException {
    List<String> offending = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String code = lines.get(i).replaceFirst("//.*$", "");
          if (!COMMENT.matcher(code).find() && SERVICE.matcher(code).find()) {
            offending.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertThat(offending).isEmpty();
  }
}
