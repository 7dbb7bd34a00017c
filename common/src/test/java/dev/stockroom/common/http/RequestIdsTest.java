package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A request without an id gets a random version-4 UUID")
class RequestIdsTest {
  @Test
  @DisplayName("every id parses as a version-4, IETF-variant UUID, and none repeats")
  void versionFourAndUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = RequestIds.newId();
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(uuid.toString()).isEqualTo(id);
      assertThat(seen.add(id)).as("unique: %s", id).isTrue();
    }
  }
}
