package dev.stockroom.inventory.restocks;

import dev.stockroom.common.domain.Refusal;

/** Why a restock was refused. {@link RestockHandlers} decides how each is answered. */
final class RestockRefusal extends Refusal {
  /** The reasons. */
  enum Reason {
    UNKNOWN_ITEM,
    QUANTITY_LIMIT,
    KEY_REUSED
  }

  private RestockRefusal(Reason reason, String detail) {
    super(reason, detail);
  }

  static RestockRefusal unknownItem(String sku) {
    return new RestockRefusal(Reason.UNKNOWN_ITEM, "Item " + sku + " was not found");
  }

  static RestockRefusal keyReused(String key) {
    return new RestockRefusal(
        Reason.KEY_REUSED,
        "Idempotency-Key " + key + " was used for a restock of another item or quantity");
  }

  static RestockRefusal quantityLimit(String sku, int quantity, int max) {
    return new RestockRefusal(
        Reason.QUANTITY_LIMIT,
        "Restocking "
            + quantity
            + " would take item "
            + sku
            + " past the largest quantity it can hold ("
            + max
            + ")");
  }

  @Override
  public Reason reason() {
    return (Reason) super.reason();
  }
}
