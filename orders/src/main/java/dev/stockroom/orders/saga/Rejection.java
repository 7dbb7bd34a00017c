package dev.stockroom.orders.saga;

/** Why an order was rejected, as the API names it. */
public enum Rejection {
  OUT_OF_STOCK("out_of_stock"),
  INSUFFICIENT_CREDIT("insufficient_credit"),
  UNKNOWN_CUSTOMER("unknown_customer"),
  UNKNOWN_SKU("unknown_sku"),
  DEPENDENCY_UNAVAILABLE("dependency_unavailable");

  private final String code;

  Rejection(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
