package dev.stockroom.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * What earlier demo runs created and the APIs cannot tell us again: the users service assigns ids
 * and answers a repeated registration with 409 and no id, and restocks are not idempotent. Kept
 * next to the database it describes, so {@code --fresh} forgets both together.
 */
final class DemoState {
  static final String FILE_NAME = "demo-state.properties";

  private final Path file;
  private final Properties values = new Properties();

  private DemoState(Path file) {
    this.file = file;
  }

  static DemoState load(Path dataDir) {
    DemoState state = new DemoState(dataDir.resolve(FILE_NAME));
    if (Files.exists(state.file)) {
      try (InputStream in = Files.newInputStream(state.file)) {
        state.values.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read " + state.file, e);
      }
    }
    return state;
  }

  Optional<String> userId(String email) {
    return Optional.ofNullable(values.getProperty("user." + email));
  }

  void userId(String email, String id) {
    values.setProperty("user." + email, id);
    save();
  }

  boolean restocked(String key) {
    return values.containsKey("restock." + key);
  }

  void markRestocked(String key) {
    values.setProperty("restock." + key, "done");
    save();
  }

  private void save() {
    try {
      Files.createDirectories(file.getParent());
      try (OutputStream out = Files.newOutputStream(file)) {
        values.store(out, "Stockroom demo data created by the launcher; --fresh removes it");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + file, e);
    }
  }
}
