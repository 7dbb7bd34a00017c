package dev.stockroom.users.credit;

import dev.stockroom.common.domain.Refusal;

/** Why the credit side said no. {@link CreditHandlers} decides how each is answered. */
public final class HoldRefusal extends Refusal {
  /** The reasons; a hold that is no longer HELD is refused with its state. */
  public enum Reason {
    UNKNOWN_USER,
    INSUFFICIENT_CREDIT,
    HOLD_ID_REUSED,
    UNKNOWN_HOLD,
    CHANGED_CONCURRENTLY,
    CAPTURED,
    RELEASED,
    EXPIRED
  }

  HoldRefusal(Reason reason, String detail) {
    super(reason, detail);
  }

  /** A hold id already taken by another request (a different user, amount or ttl). */
  static HoldRefusal idReused(String holdId) {
    return new HoldRefusal(
        Reason.HOLD_ID_REUSED,
        "Hold " + holdId + " was asked for with a different user, amount or ttl");
  }

  /** The refusal for a hold found in {@code status} when another state was needed. */
  static HoldRefusal settled(String holdId, String status) {
    // A hold found HELD when it could not be captured or released was past its deadline.
    Reason state = status.equals("HELD") ? Reason.EXPIRED : Reason.valueOf(status);
    return new HoldRefusal(state, "Hold " + holdId + " is " + state);
  }

  @Override
  public Reason reason() {
    return (Reason) super.reason();
  }
}
