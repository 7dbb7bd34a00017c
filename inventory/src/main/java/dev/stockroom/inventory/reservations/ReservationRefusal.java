package dev.stockroom.inventory.reservations;

import dev.stockroom.common.domain.Refusal;
import java.util.List;
import java.util.Map;

/** Why a reservation was refused. {@link ReservationHandlers} decides how each is answered. */
public final class ReservationRefusal extends Refusal {
  /** The reasons; a reservation that is no longer HELD is refused with its state. */
  public enum Reason {
    UNKNOWN_SKUS,
    INSUFFICIENT_STOCK,
    RESERVATION_ID_REUSED,
    UNKNOWN_RESERVATION,
    CONFIRMED,
    RELEASED,
    EXPIRED,
    RETURNED,
    QUANTITY_LIMIT
  }

  private ReservationRefusal(Reason reason, String detail, Map<String, Object> facts) {
    super(reason, detail, facts);
  }

  ReservationRefusal(Reason reason, String detail) {
    this(reason, detail, Map.of());
  }

  static ReservationRefusal unknownSkus(List<String> skus) {
    return new ReservationRefusal(
        Reason.UNKNOWN_SKUS,
        "No item has " + skuList(skus) + "; nothing was reserved",
        Map.of("unknownSkus", skus));
  }

  /** {@code shortfall}: per SKU, what was requested and what is available. */
  static ReservationRefusal insufficientStock(List<Map<String, Object>> shortfall) {
    return new ReservationRefusal(
        Reason.INSUFFICIENT_STOCK,
        "Not enough stock for "
            + skuList(shortfall.stream().map(line -> (String) line.get("sku")).toList())
            + "; nothing was reserved",
        Map.of("shortfall", shortfall));
  }

  /**
   * The SKUs a refusal is about, named in its detail: the saga hands that detail on to the
   * customer, who would otherwise not learn which line failed. The quantities stay in the facts.
   */
  private static String skuList(List<String> skus) {
    return (skus.size() == 1 ? "SKU " : "SKUs ") + String.join(", ", skus);
  }

  /** A reservation id already taken by another request (different lines or ttl). */
  static ReservationRefusal idReused(String reservationId) {
    return new ReservationRefusal(
        Reason.RESERVATION_ID_REUSED,
        "Reservation " + reservationId + " was asked for with different lines or ttl");
  }

  static ReservationRefusal unknown(String reservationId) {
    return new ReservationRefusal(
        Reason.UNKNOWN_RESERVATION, "Reservation " + reservationId + " was not found");
  }

  /** Sold stock that would take an item past the largest quantity its column holds. */
  static ReservationRefusal noRoomToReturn(String reservationId) {
    return new ReservationRefusal(
        Reason.QUANTITY_LIMIT,
        "Returning reservation "
            + reservationId
            + " would take an item past the largest quantity it can hold; nothing was returned");
  }

  /** The refusal for a reservation found in {@code status} when another state was needed. */
  static ReservationRefusal ended(String reservationId, String status) {
    // A HELD reservation that could not be confirmed is past its deadline, awaiting the sweeper.
    Reason state = status.equals("HELD") ? Reason.EXPIRED : Reason.valueOf(status);
    return new ReservationRefusal(state, "Reservation " + reservationId + " is " + state);
  }

  @Override
  public Reason reason() {
    return (Reason) super.reason();
  }
}
