package dev.stockroom.orders.saga;

import io.vertx.core.json.JsonObject;

/** What a participant answered to one saga call. */
sealed interface Outcome {
  /** Done; the body is the participant's answer. */
  record Ok(JsonObject body) implements Outcome {}

  /** A definite no: the saga compensates with this reason. */
  record Refused(Rejection reason, String detail, int status) implements Outcome {
    Refused(Rejection reason, String detail) {
      this(reason, detail, 0);
    }
  }

  /** Could not tell (down, timeout, 5xx): try again later. */
  record Transient(String detail) implements Outcome {}
}
