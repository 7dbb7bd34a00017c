package dev.stockroom.inventory.items;

import dev.stockroom.common.domain.Refusal;

/** Why the catalogue said no. {@link ItemHandlers} decides how each is answered. */
public final class ItemRefusal extends Refusal {
  /** The reasons. */
  public enum Reason {
    UNKNOWN_ITEM,
    DUPLICATE_SKU
  }

  private ItemRefusal(Reason reason, String detail) {
    super(reason, detail);
  }

  static ItemRefusal unknown(String sku) {
    return new ItemRefusal(Reason.UNKNOWN_ITEM, "Item " + sku + " was not found");
  }

  static ItemRefusal duplicate() {
    return new ItemRefusal(Reason.DUPLICATE_SKU, "An item with this SKU exists");
  }

  @Override
  public Reason reason() {
    return (Reason) super.reason();
  }
}
