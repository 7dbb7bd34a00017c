package dev.stockroom.common.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shipped logging configuration puts the trace fields into every line's MDC. */
class LogConfigTest {
  @Test
  void productionConfigurationInstallsTheTraceFields() throws IOException {
    String config;
    try (InputStream in = TraceLogFields.class.getResourceAsStream("/logback.xml")) {
      config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(config)
        .contains("<turboFilter class=\"" + TraceLogFields.class.getName() + "\"/>")
        // The JSON encoder writes the MDC unless told not to.
        .doesNotContain("<withMDC>false</withMDC>");
  }
}
