package dev.stockroom.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Where things are, and YAML read as plain trees (so nothing is coerced before it is checked). */
final class K8sTree {
  private static final YAMLMapper YAML = new YAMLMapper();

  /** The k8s module directory: Surefire runs tests there; an IDE may run them from the root. */
  static final Path K8S = locate();

  static final Path REPO = K8S.getParent();

  /** The app overlays and the infrastructure overlays they are meant to run with. */
  static final List<String> APP_OVERLAYS =
      List.of("overlays/dev", "overlays/prod", "overlays/managed");

  static final List<String> INFRA_OVERLAYS = List.of("infra/dev", "infra/prod");

  private K8sTree() {}

  private static Path locate() {
    Path here = Path.of("").toAbsolutePath();
    for (Path candidate : List.of(here, here.resolve("k8s"))) {
      if (Files.isDirectory(candidate.resolve("base"))
          && Files.isRegularFile(candidate.resolve("pom.xml"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("cannot find the k8s module from " + here);
  }

  /** One YAML document of a file; {@code node} is never null (empty documents are skipped). */
  record Doc(Path file, int index, JsonNode node) {
    String where() {
      return K8S.relativize(file) + (index > 0 ? " (document " + (index + 1) + ")" : "");
    }

    String kind() {
      return node.path("kind").asText("");
    }

    String name() {
      return node.path("metadata").path("name").asText("");
    }
  }

  /** Every YAML file of the manifests: base, overlays, infra, secrets, monitoring. */
  static List<Path> yamlFiles() {
    try (Stream<Path> files = Files.walk(K8S)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              p -> !K8S.relativize(p).startsWith("src") && !K8S.relativize(p).startsWith("target"))
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Doc> docs(Path file) {
    return docs(file, read(file));
  }

  static List<Doc> docs(Path file, String text) {
    List<Doc> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      int index = 0;
      while (it.hasNextValue()) {
        JsonNode node = it.nextValue();
        if (node != null && !node.isMissingNode() && !node.isNull()) {
          docs.add(new Doc(file, index, node));
        }
        index++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("YAML syntax error in " + file, e);
    }
    return docs;
  }

  /** Every document of every manifest file. */
  static List<Doc> allDocs() {
    return yamlFiles().stream().flatMap(f -> docs(f).stream()).toList();
  }

  static List<ObjectNode> objects(String yaml) {
    return docs(Path.of("inline"), yaml).stream().map(d -> (ObjectNode) d.node()).toList();
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An executable of that name on the PATH, as a shell would find it. */
  static Optional<Path> onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static YAMLMapper yaml() {
    return YAML;
  }
}
