package dev.stockroom.orders.saga;

/**
 * The saga's decisions, apart from the I/O that carries them out: from a step and what its
 * participant answered, where the saga goes next.
 *
 * <p>The pivot is CONFIRM. Before it (CUSTOMER, RESERVE, HOLD) a transient failure is retried until
 * the order's deadline and then rejects the order. Once the saga is at CONFIRM the confirm may have
 * been sent and applied, even if its answer never came: from there the order only goes forward
 * (confirm and capture are idempotent, so they are retried until answered) unless a participant
 * definitely refuses, and then compensation gives back everything, sold stock included.
 */
final class SagaTransitions {
  private SagaTransitions() {}

  /** What the saga does next. */
  sealed interface Decision {
    /** The step is done: persist the next one. */
    record Advance(Step next) implements Decision {}

    /** Could not tell: run the same step again later. */
    record Retry(String detail) implements Decision {}

    /**
     * The order is REJECTED. With {@code compensate}, something may have been taken and the
     * COMPENSATE step gives it back; without, nothing was taken and the saga ends here.
     */
    record Reject(Rejection reason, String detail, boolean compensate) implements Decision {}

    /** Stock sold and credit captured: the order is CONFIRMED. */
    record Confirm() implements Decision {}

    /** Compensation gave everything back: the (already REJECTED) order is done. */
    record Compensated() implements Decision {}
  }

  static Decision next(Step step, Outcome outcome, boolean pastDeadline) {
    return switch (step) {
      case CUSTOMER -> beforePivot(outcome, pastDeadline, Step.RESERVE, false);
      case RESERVE -> beforePivot(outcome, pastDeadline, Step.HOLD, true);
      case HOLD -> beforePivot(outcome, pastDeadline, Step.CONFIRM, true);
      case CONFIRM -> afterPivot(outcome, new Decision.Advance(Step.CAPTURE));
      case CAPTURE -> afterPivot(outcome, new Decision.Confirm());
      case COMPENSATE -> compensation(outcome);
      case DONE -> throw new IllegalStateException("a finished saga has no next step");
    };
  }

  private static Decision beforePivot(
      Outcome outcome, boolean pastDeadline, Step next, boolean mayHaveTaken) {
    if (outcome instanceof Outcome.Ok) {
      return new Decision.Advance(next);
    }
    if (outcome instanceof Outcome.Refused r) {
      return new Decision.Reject(r.reason(), r.detail(), mayHaveTaken);
    }
    String detail = ((Outcome.Transient) outcome).detail();
    return pastDeadline
        ? new Decision.Reject(
            Rejection.DEPENDENCY_UNAVAILABLE, "deadline passed: " + detail, mayHaveTaken)
        : new Decision.Retry(detail);
  }

  /** Past the pivot the deadline no longer applies: only a definite refusal turns back. */
  private static Decision afterPivot(Outcome outcome, Decision whenDone) {
    if (outcome instanceof Outcome.Ok) {
      return whenDone;
    }
    if (outcome instanceof Outcome.Refused r) {
      return new Decision.Reject(r.reason(), r.detail(), true);
    }
    return new Decision.Retry(((Outcome.Transient) outcome).detail());
  }

  /**
   * Giving back is retried until it is done. A refusal here means a participant cannot undo what it
   * did (a bug on one side): retrying keeps the order visible as in flight instead of hiding it.
   */
  private static Decision compensation(Outcome outcome) {
    if (outcome instanceof Outcome.Ok) {
      return new Decision.Compensated();
    }
    if (outcome instanceof Outcome.Refused r) {
      return new Decision.Retry("compensation refused: " + r.detail());
    }
    return new Decision.Retry("compensation: " + ((Outcome.Transient) outcome).detail());
  }
}
