package dev.stockroom.orders.placing;

import dev.stockroom.common.domain.Refusal;

/** Why an order was refused before its saga began. {@link OrderHandlers} answers each. */
final class OrderRefusal extends Refusal {
  /** The reasons. */
  enum Reason {
    IDEMPOTENCY_KEY_REUSED
  }

  private OrderRefusal(Reason reason, String detail) {
    super(reason, detail);
  }

  static OrderRefusal keyReused() {
    return new OrderRefusal(
        Reason.IDEMPOTENCY_KEY_REUSED,
        "This Idempotency-Key was used for a different order request");
  }

  @Override
  public Reason reason() {
    return (Reason) super.reason();
  }
}
