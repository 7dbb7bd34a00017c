package dev.stockroom.loadtest.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ServiceFleetTest {
  @Test
  void podMemoryIsTwiceTheHeap() {
    assertThat(ServiceFleet.podMemory("256m")).isEqualTo("512m");
    assertThat(ServiceFleet.podMemory("1G")).isEqualTo("2G");
    assertThat(ServiceFleet.podMemory("4294967296")).isEqualTo("8589934592");
    assertThatThrownBy(() -> ServiceFleet.podMemory("lots"))
        .hasMessageContaining("serviceXmx")
        .hasMessageContaining("lots");
  }

  @Test
  void servicesRunWithTheImagesJvmFlags() throws IOException {
    String dockerfile = Files.readString(Path.of("..", "Dockerfile"));
    Matcher env = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]+)\"").matcher(dockerfile);
    assertThat(env.find()).as("the image sets JAVA_TOOL_OPTIONS").isTrue();
    List<String> flags = ServiceFleet.podJvmFlags("256m");
    Stream.of(env.group(1).split("\\s+"))
        .filter(flag -> !flag.startsWith("-XX:MaxRAMPercentage="))
        .forEach(flag -> assertThat(flags).as("the image's %s", flag).contains(flag));
    assertThat(flags)
        .as("the image's MaxRAMPercentage=50 in a pod of twice the heap")
        .contains("-XX:MaxRAM=512m", "-Xmx256m")
        .noneMatch(flag -> flag.startsWith("-Xms"));
  }
}
