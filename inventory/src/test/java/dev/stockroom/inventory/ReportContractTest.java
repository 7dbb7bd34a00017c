package dev.stockroom.inventory;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The report's schema in the contract")
class ReportContractTest {
  private static JsonObject page(JsonObject stocker) {
    return new JsonObject()
        .put(
            "items",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("sku", "A")
                        .put("name", "A")
                        .put("priceCents", 1)
                        .put("quantity", 1)
                        .put("reserved", 0)
                        .put("available", 1)
                        .put("lowStockThreshold", 5)
                        .put("lastStockedAt", "2026-12-04T12:00:00Z")
                        .put("lastStockedBy", stocker)))
        .put("next", null);
  }

  private static JsonObject stocker() {
    return new JsonObject()
        .put("id", "6b0f5b2e-7d0c-4a8e-9f44-3c1f0a8e2b11")
        .put("name", "Ada")
        .put("email", "ada@example.com")
        .put("phone", null)
        .put(
            "freshness",
            new JsonObject()
                .put("source", "replica")
                .put("asOf", "2026-12-04T12:00:00Z")
                .put("stale", false));
  }

  @Test
  @DisplayName("accepts the report's shape, and refuses a stocker field it does not declare")
  void shapeDriftFails() {
    assertThatCode(() -> ReportContract.conforms(page(stocker()).encode()))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () -> ReportContract.conforms(page(stocker().put("shoeSize", "42")).encode()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("does not match the contract");
    assertThatThrownBy(
            () ->
                ReportContract.conforms(
                    page(stocker().put("freshness", new JsonObject().put("stale", "no"))).encode()))
        .isInstanceOf(AssertionError.class);
  }
}
