package dev.stockroom.orders.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.orders.saga.SagaTransitions.Decision;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Saga transitions: every step × outcome × deadline")
class SagaTransitionsTest {
  private static final Outcome OK = new Outcome.Ok(new JsonObject());
  private static final Outcome REFUSED = new Outcome.Refused(Rejection.OUT_OF_STOCK, "no", 409);
  private static final Outcome DOWN = new Outcome.Transient("timeout");

  private static Decision advance(Step next) {
    return new Decision.Advance(next);
  }

  private static Decision reject(boolean compensate) {
    return new Decision.Reject(Rejection.OUT_OF_STOCK, "no", compensate);
  }

  private static Decision late(boolean compensate) {
    return new Decision.Reject(
        Rejection.DEPENDENCY_UNAVAILABLE, "deadline passed: timeout", compensate);
  }

  private static Decision retry(String detail) {
    return new Decision.Retry(detail);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // step, outcome, past the deadline, decision
        Arguments.of(Step.CUSTOMER, OK, false, advance(Step.RESERVE)),
        Arguments.of(Step.CUSTOMER, OK, true, advance(Step.RESERVE)),
        Arguments.of(Step.CUSTOMER, REFUSED, false, reject(false)),
        Arguments.of(Step.CUSTOMER, DOWN, false, retry("timeout")),
        Arguments.of(Step.CUSTOMER, DOWN, true, late(false)),
        Arguments.of(Step.RESERVE, OK, false, advance(Step.HOLD)),
        Arguments.of(Step.RESERVE, OK, true, advance(Step.HOLD)),
        Arguments.of(Step.RESERVE, REFUSED, false, reject(true)),
        Arguments.of(Step.RESERVE, DOWN, false, retry("timeout")),
        Arguments.of(Step.RESERVE, DOWN, true, late(true)),
        Arguments.of(Step.HOLD, OK, false, advance(Step.CONFIRM)),
        Arguments.of(Step.HOLD, OK, true, advance(Step.CONFIRM)),
        Arguments.of(Step.HOLD, REFUSED, true, reject(true)),
        Arguments.of(Step.HOLD, DOWN, false, retry("timeout")),
        Arguments.of(Step.HOLD, DOWN, true, late(true)),
        // The pivot: once confirm may have been sent, the deadline no longer turns the order back.
        Arguments.of(Step.CONFIRM, OK, true, advance(Step.CAPTURE)),
        Arguments.of(Step.CONFIRM, REFUSED, false, reject(true)),
        Arguments.of(Step.CONFIRM, DOWN, false, retry("timeout")),
        Arguments.of(Step.CONFIRM, DOWN, true, retry("timeout")),
        Arguments.of(Step.CAPTURE, OK, true, new Decision.Confirm()),
        Arguments.of(Step.CAPTURE, REFUSED, true, reject(true)),
        Arguments.of(Step.CAPTURE, DOWN, false, retry("timeout")),
        Arguments.of(Step.CAPTURE, DOWN, true, retry("timeout")),
        Arguments.of(Step.COMPENSATE, OK, true, new Decision.Compensated()),
        Arguments.of(Step.COMPENSATE, REFUSED, true, retry("compensation refused: no")),
        Arguments.of(Step.COMPENSATE, DOWN, true, retry("compensation: timeout")));
  }

  @ParameterizedTest(name = "{0} answered {1}, past deadline {2} → {3}")
  @MethodSource("table")
  void decides(Step step, Outcome outcome, boolean pastDeadline, Decision expected) {
    assertThat(SagaTransitions.next(step, outcome, pastDeadline)).isEqualTo(expected);
  }

  @Test
  @DisplayName("every step but DONE has a decision for every outcome")
  void complete() {
    for (Step step : Step.values()) {
      for (Outcome outcome : new Outcome[] {OK, REFUSED, DOWN}) {
        for (boolean late : new boolean[] {false, true}) {
          if (step == Step.DONE) {
            assertThatThrownBy(() -> SagaTransitions.next(step, outcome, late))
                .isInstanceOf(IllegalStateException.class);
          } else {
            assertThat(SagaTransitions.next(step, outcome, late)).isNotNull();
          }
        }
      }
    }
  }

  @Test
  @DisplayName("past the pivot no outcome and no deadline rejects without compensation")
  void neverRejectsWithoutGivingBackAfterThePivot() {
    for (Step step : new Step[] {Step.CONFIRM, Step.CAPTURE}) {
      for (Outcome outcome : new Outcome[] {OK, REFUSED, DOWN}) {
        Decision d = SagaTransitions.next(step, outcome, true);
        if (d instanceof Decision.Reject r) {
          assertThat(r.compensate()).as("%s %s", step, outcome).isTrue();
        }
      }
    }
  }
}
