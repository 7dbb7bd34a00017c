package dev.stockroom.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No Docker engine runs here, so images cannot be built in the test command: the Dockerfiles are
 * checked as text against the build (the fat jar's name), the code (the port) and the manifests
 * (the uid, the JVM flags).
 */
@DisplayName("Dockerfiles")
class DockerfileTest {
  static Stream<String> services() {
    return ServiceFacts.all().keySet().stream();
  }

  @Test
  @DisplayName(
      "what a service image carries (the services' dependencies, here on this test's classpath)"
          + " holds no Kafka broker, no embedded PostgreSQL and none of Stockroom's embedded infra")
  void servicesShipNoEmbeddedInfrastructure() {
    for (String className :
        List.of(
            "kafka.server.KafkaRaftServer",
            "io.zonky.test.db.postgres.embedded.EmbeddedPostgres",
            "dev.stockroom.embedded.EmbeddedKafkaBroker")) {
      assertThat(getClass().getClassLoader().getResource(className.replace('.', '/') + ".class"))
          .as(className)
          .isNull();
    }
    assertThat(getClass().getClassLoader().getResource("dev/stockroom/users/UsersService.class"))
        .as("the services themselves are here")
        .isNotNull();
  }

  private static List<String> instructions(String dockerfile) {
    return Stream.of(dockerfile.replace("\\\n", " ").split("\n"))
        .map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  private static String instruction(List<String> lines, String keyword) {
    List<String> found = lines.stream().filter(l -> l.startsWith(keyword + " ")).toList();
    assertThat(found).as("one %s", keyword).hasSize(1);
    return found.get(0).substring(keyword.length() + 1).trim();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  @DisplayName(
      "the one Dockerfile runs SERVICE's fat jar with java -jar on a pinned JRE 17 base image, as"
          + " the non-root uid the pods run as, exposing the code's port; .dockerignore lets the jar"
          + " through")
  void dockerfileRunsTheFatJar(String service) {
    Path module = K8sTree.REPO.resolve(service);
    assertThat(module.resolve("Dockerfile"))
        .as("one Dockerfile for all, at the root")
        .doesNotExist();
    List<String> lines = instructions(K8sTree.read(K8sTree.REPO.resolve("Dockerfile")));

    String from = instruction(lines, "FROM");
    Matcher image =
        Pattern.compile("^eclipse-temurin:(17\\.\\d+\\.\\d+_\\d+)-jre[\\w-]*$").matcher(from);
    assertThat(image.matches())
        .as("FROM %s: Temurin JRE 17 pinned to a full version", from)
        .isTrue();
    assertThat(instruction(lines, "ARG")).isEqualTo("SERVICE");

    // The parent POM's shade execution names the fat jar after the artifactId, which must be the
    // module's directory name for ${SERVICE}/target/${SERVICE}.jar to find it.
    String pom = K8sTree.read(module.resolve("pom.xml"));
    Matcher artifact =
        Pattern.compile("</parent>\\s*<artifactId>([\\w-]+)</artifactId>").matcher(pom);
    assertThat(artifact.find()).isTrue();
    assertThat(artifact.group(1)).isEqualTo(service);
    assertThat(K8sTree.read(K8sTree.REPO.resolve("pom.xml")))
        .contains("<finalName>${project.artifactId}</finalName>");

    String copy = instruction(lines, "COPY");
    Matcher copied =
        Pattern.compile("(?:--\\S+\\s+)*\\$\\{SERVICE}/target/\\$\\{SERVICE}\\.jar\\s+(\\S+)$")
            .matcher(copy);
    assertThat(copied.find()).as("COPY ${SERVICE}/target/${SERVICE}.jar: %s", copy).isTrue();
    assertThat(copy).as("the jar is not writable by the service").contains("--chown=root:root");
    assertThat(K8sTree.read(K8sTree.REPO.resolve(".dockerignore")).lines())
        .as(".dockerignore admits the jar")
        .contains("!" + service + "/target/" + service + ".jar");

    String entrypoint = instruction(lines, "ENTRYPOINT");
    assertThat(entrypoint)
        .as("exec form, so java is PID 1 and gets SIGTERM")
        .isEqualTo("[\"java\", \"-jar\", \"" + copied.group(1) + "\"]");

    String user = instruction(lines, "USER");
    assertThat(user).matches("\\d+:\\d+");
    long uid = Long.parseLong(user.split(":")[0]);
    assertThat(uid).as("non-root").isPositive();

    int port = ServiceFacts.spec(service).defaultPort();
    assertThat(instruction(lines, "EXPOSE").split(" ")).contains(String.valueOf(port));

    for (String overlay : K8sTree.APP_OVERLAYS) {
      Rendered r = Rendered.of(overlay);
      Deployment d = r.deployment(service);
      assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser())
          .as("%s runAsUser = the image's USER", overlay)
          .isEqualTo(uid);
      String flags = r.environment(d).get("JAVA_TOOL_OPTIONS");
      assertThat(instruction(lines, "ENV"))
          .as("same JVM flags in the image and %s", overlay)
          .contains("JAVA_TOOL_OPTIONS=\"" + flags + "\"");
    }
  }
}
