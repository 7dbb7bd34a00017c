package dev.stockroom.inventory.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Reservation requests and stock checks")
class ReservationRequestTest {

  private static JsonObject body(int ttl, Object... skuQuantity) {
    JsonArray lines = new JsonArray();
    for (int i = 0; i < skuQuantity.length; i += 2) {
      lines.add(new JsonObject().put("sku", skuQuantity[i]).put("quantity", skuQuantity[i + 1]));
    }
    return new JsonObject().put("reservationId", "r-1").put("lines", lines).put("ttlSeconds", ttl);
  }

  @Test
  @DisplayName("duplicate skus are merged by summing and lines are sorted by sku")
  void merges() {
    ReservationRequest request = ReservationRequest.from(body(60, "b", 2, "a", 1, "b", 3));
    assertThat(request.lines()).containsExactly(Map.entry("a", 1), Map.entry("b", 5));
    assertThat(request.skus()).containsExactly("a", "b");
    assertThat(request.quantities()).containsExactly(1, 5);
  }

  @Test
  @DisplayName("the fingerprint ignores line order and splitting, but not quantities or ttl")
  void fingerprint() {
    String base = ReservationRequest.from(body(60, "a", 1, "b", 5)).fingerprint();
    assertThat(ReservationRequest.from(body(60, "b", 2, "a", 1, "b", 3)).fingerprint())
        .isEqualTo(base);
    assertThat(ReservationRequest.from(body(61, "a", 1, "b", 5)).fingerprint()).isNotEqualTo(base);
    assertThat(ReservationRequest.from(body(60, "a", 1, "b", 4)).fingerprint()).isNotEqualTo(base);
    assertThat(ReservationRequest.from(body(60, "a", 1)).fingerprint()).isNotEqualTo(base);
  }

  @Test
  @DisplayName("unknown skus are refused with 404 before any shortfall is considered")
  void unknownFirst() {
    ReservationRequest request = ReservationRequest.from(body(60, "a", 9, "zz", 1));
    Problem problem = failure(StockCheck.check(request, Map.of("a", 0)));
    assertThat(problem.status()).isEqualTo(404);
    assertThat(problem.toJson("/", "r").getJsonArray("unknownSkus")).containsExactly("zz");
  }

  @Test
  @DisplayName("the shortfall lists only the short skus with what was asked and what is there")
  void shortfall() {
    ReservationRequest request = ReservationRequest.from(body(60, "a", 2, "b", 5, "c", 3));
    Problem problem = failure(StockCheck.check(request, Map.of("a", 2, "b", 4, "c", 0)));
    JsonObject json = problem.toJson("/", "r");
    assertThat(problem.status()).isEqualTo(409);
    assertThat(json.getString("type")).endsWith("/insufficient-stock");
    assertThat(json.getJsonArray("shortfall"))
        .containsExactly(
            new JsonObject().put("sku", "b").put("requested", 5).put("available", 4),
            new JsonObject().put("sku", "c").put("requested", 3).put("available", 0));
    assertThat(StockCheck.check(request, Map.of("a", 2, "b", 5, "c", 3)).succeeded()).isTrue();
  }

  /** The store's refusal, as the handler answers it. */
  private static Problem failure(Future<Void> result) {
    assertThat(result.failed()).isTrue();
    assertThat(result.cause()).isInstanceOf(ReservationRefusal.class);
    return (Problem) ReservationHandlers.problem(result.cause());
  }
}
