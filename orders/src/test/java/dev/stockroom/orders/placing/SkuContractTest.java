package dev.stockroom.orders.placing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("What orders takes as a sku")
class SkuContractTest {
  @Test
  @DisplayName(
      "is what inventory takes: a sku inventory refuses fails the whole batch of reservations"
          + " it is sent in")
  void sameAsInventory() throws IOException {
    String orders = resource("openapi/orders.yaml");
    String inventory = resource("openapi/inventory.yaml");
    assertThat(pattern(orders, "\\n\\s+sku: \\{type: string, pattern: '([^']+)'\\}"))
        .isEqualTo(
            pattern(
                inventory,
                "\\n    SkuValue:\\n(?:\\s+#[^\\n]*\\n)*\\s+type: string\\n\\s+pattern: '([^']+)'"));
  }

  private static String pattern(String yaml, String where) {
    Matcher m = Pattern.compile(where).matcher(yaml);
    assertThat(m.find()).as(where).isTrue();
    return m.group(1);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = SkuContractTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
