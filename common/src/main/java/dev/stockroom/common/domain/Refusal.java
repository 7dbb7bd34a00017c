package dev.stockroom.common.domain;

import java.util.Map;

/**
 * A store's "no": an expected outcome of a business rule (not found, out of stock, a version that
 * moved on), not a crash. Each feature subclasses it with an enum of its reasons, so the HTTP
 * handler that maps reasons to statuses is an exhaustive switch the compiler checks. Carries the
 * facts a client needs (a shortfall per SKU, the current version) and never a stack trace.
 */
public abstract class Refusal extends RuntimeException {
  private final Enum<?> reason;
  private final Map<String, Object> facts;

  protected Refusal(Enum<?> reason, String detail, Map<String, Object> facts) {
    super(detail, null, false, false);
    this.reason = reason;
    this.facts = Map.copyOf(facts);
  }

  protected Refusal(Enum<?> reason, String detail) {
    this(reason, detail, Map.of());
  }

  /**
   * The reason, one constant of the feature's enum; a feature narrows the type ({@code (Reason)
   * super.reason()}) so that its handler can switch over it.
   */
  public Enum<?> reason() {
    return reason;
  }

  /** Named facts about the refusal, e.g. {@code shortfall} or {@code currentVersion}. */
  public Map<String, Object> facts() {
    return facts;
  }
}
