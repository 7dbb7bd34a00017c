package dev.stockroom.orders.saga;

import io.vertx.core.json.JsonObject;

/** What a participant answered to one saga call. */
sealed interface Outcome {
  /** Done; the body is the participant's answer. */
  record Ok(JsonObject body) implements Outcome {}

  /** A definite no: the saga compensates with this reason. */
  record Refused(Rejection reason, String detail) implements Outcome {}

  /** Could not tell (down, timeout, 5xx): try again later. */
  record Transient(String detail) implements Outcome {}
}
