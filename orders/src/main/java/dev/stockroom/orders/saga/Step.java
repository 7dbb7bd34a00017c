package dev.stockroom.orders.saga;

/**
 * Where a saga is. Each step's remote call is idempotent (ids derived from the order), so a step
 * interrupted by a crash is simply done again.
 */
public enum Step {
  /** Snapshot the customer from the local copy (or the owner). */
  CUSTOMER,
  /** Reserve the stock at inventory. */
  RESERVE,
  /** Hold the credit at users for the reserved lines' total. */
  HOLD,
  /** Confirm the reservation: the stock is sold. */
  CONFIRM,
  /** Capture the credit hold. Past CONFIRM there is no turning back, so it is retried. */
  CAPTURE,
  /** Release whatever was taken, then the order is REJECTED. */
  COMPENSATE,
  DONE
}
