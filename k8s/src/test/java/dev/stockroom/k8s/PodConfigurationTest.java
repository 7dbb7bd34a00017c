package dev.stockroom.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.auth.RsaKeys;
import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.ServiceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every value a rendered pod gives its service is read by the service's own configuration code
 * ({@code ServiceSpec.configure}: the platform's settings and the service's record), in the pod's
 * mode (production): durations, ranges, URIs, choices, the cross-checks between them, and which
 * keys production requires. Values the rendering cannot know are stood in for: a Secret's value by
 * a well-formed one, a mounted key file by a generated key of the same kind.
 */
@DisplayName("Pods against their services' configuration code")
class PodConfigurationTest {
  private static final KeyPair KEYS = RsaKeys.generate();

  /** How a mounted file is read, by variable: a public key, a private key, a CA, a directory. */
  private static final Map<String, String> FILES =
      Map.of(
          "JWT_PUBLIC_KEY", "public",
          "JWT_PRIVATE_KEY", "private",
          "SERVICE_SIGNING_KEY", "private",
          "PG_SSL_CA", "public",
          "KAFKA_SSL_CA", "public",
          "JWT_SERVICE_KEYS", "directory");

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("dev.stockroom.k8s.ServiceWiringTest#overlayServices")
  @DisplayName("each pod's environment is a configuration its service starts with")
  void podEnvironmentConfigures(String overlay, String service, @TempDir Path files)
      throws IOException {
    Rendered r = Rendered.of(overlay);
    Map<String, String> env = standIns(r.environment(r.deployment(service)), service, files);
    assertThatCode(() -> spec(service).configure(new Env(env)))
        .as("%s in %s", service, overlay)
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("dev.stockroom.k8s.ServiceWiringTest#overlayServices")
  @DisplayName(
      "every variable a pod sets is one its service's configuration reads (or logback, or the"
          + " JVM), so a misspelled name cannot go unnoticed")
  void everyVariableIsRead(String overlay, String service, @TempDir Path files) throws IOException {
    Rendered r = Rendered.of(overlay);
    Map<String, String> env = standIns(r.environment(r.deployment(service)), service, files);
    assertThat(unread(service, env))
        .as("%s sets variables %s never reads", overlay, service)
        .isEmpty();
  }

  @Test
  @DisplayName("the check can fail: a misspelled variable in a pod is found")
  void misspelledVariablesAreFound(@TempDir Path files) throws IOException {
    Rendered r = Rendered.of("overlays/prod");
    Map<String, String> env =
        standIns(r.environment(r.deployment("inventory")), "inventory", files);
    env.put("REPLICA_TTL_SECONDS", "900");
    assertThat(unread("inventory", env)).containsExactly("REPLICA_TTL_SECONDS");
  }

  /** What the pod sets that neither the service's configuration, logback nor the JVM reads. */
  private static Set<String> unread(String service, Map<String, String> env) {
    Set<String> unread = new TreeSet<>(env.keySet());
    unread.removeAll(ServiceFacts.reads(spec(service), env));
    unread.removeAll(LOGBACK_VARIABLES);
    unread.removeAll(ServiceWiringTest.JVM_VARIABLES);
    return unread;
  }

  /** The variables common's logback.xml substitutes ({@code ${LOG_LEVEL:-INFO}} ...). */
  private static final Set<String> LOGBACK_VARIABLES = logbackVariables();

  private static Set<String> logbackVariables() {
    Matcher m =
        Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):-")
            .matcher(K8sTree.read(K8sTree.REPO.resolve("common/src/main/resources/logback.xml")));
    Set<String> names = new TreeSet<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  @DisplayName("the check can fail: a pod value the code refuses is found, naming the variable")
  void refusedValuesAreFound(@TempDir Path files) throws IOException {
    Rendered r = Rendered.of("overlays/prod");
    Map<String, String> env = standIns(r.environment(r.deployment("orders")), "orders", files);
    env.put("ORDER_COMMITMENT_TTL", "PT1S");
    assertThatThrownBy(() -> spec("orders").configure(new Env(env)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ORDER_COMMITMENT_TTL");
  }

  private static ServiceSpec<?> spec(String service) {
    return ServiceFacts.spec(service);
  }

  private static Map<String, String> standIns(Map<String, String> pod, String service, Path files)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    for (Map.Entry<String, String> e : pod.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      if (value == null) {
        continue;
      }
      String kind = FILES.get(name);
      if (kind != null && (value.startsWith("/") || value.startsWith("secret:"))) {
        // A key mounted as a file, or given as PEM text from a Secret: the same stand-in.
        Path file = file(files, name, kind);
        value = value.startsWith("/") ? file.toString() : Files.readString(file);
      } else if (value.startsWith("secret:")) {
        value =
            name.equals("PG_URI")
                ? "postgresql://stockroom:pw@db.example:5432/" + service + "?sslmode=verify-full"
                : "stand-in";
      }
      env.put(name, value);
    }
    return env;
  }

  private static Path file(Path files, String name, String kind) throws IOException {
    if (kind.equals("directory")) {
      Path dir = Files.createDirectories(files.resolve(name));
      for (String caller : new String[] {"inventory", "orders"}) {
        Files.writeString(dir.resolve(caller + ".pem"), RsaKeys.publicPem(KEYS));
      }
      return dir;
    }
    return Files.writeString(
        files.resolve(name + ".pem"),
        kind.equals("private") ? RsaKeys.privatePem(KEYS) : RsaKeys.publicPem(KEYS));
  }
}
