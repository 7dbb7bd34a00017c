package dev.stockroom.common.replica;

import dev.stockroom.common.http.Problem;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Optional;

/**
 * A read's consistency token, from the {@value ConsistencyToken#HEADER} header or the {@code
 * consistentWith} query parameter, with how long the read may wait for the copy ({@code
 * consistencyWait}; {@code PT0S} asks the owner at once), and what the answer says about it.
 */
public final class ConsistencyRequest {
  /** The wait when the read names none: about the pipeline's p99 from a write to a replica. */
  public static final Duration DEFAULT_WAIT = Duration.ofMillis(200);

  public static final Duration MAX_WAIT = Duration.ofSeconds(5);

  /** How far ahead of this clock a token may be (the owner's clock may run a little ahead). */
  private static final Duration SKEW = Duration.ofSeconds(5);

  private ConsistencyRequest() {}

  /**
   * Empty without a token; a token that is malformed or from the future is a 400, and so is a bad
   * wait, with a token or without one.
   */
  public static Optional<ReadYourWrites> from(String header, String query, String wait) {
    Duration waitFor = waitOf(wait);
    String text = header != null ? header : query;
    if (text == null) {
      return Optional.empty();
    }
    String where = header != null ? "header " + ConsistencyToken.HEADER : "query consistentWith";
    ConsistencyToken token;
    try {
      token = ConsistencyToken.parse(text);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(where, "not a consistency token the owner handed out");
    }
    if (token.at().isAfter(Instant.now().plus(SKEW))) {
      throw Problem.badRequest(where, "the consistency token is from the future");
    }
    return Optional.of(new ReadYourWrites(token, waitFor));
  }

  private static Duration waitOf(String value) {
    if (value == null) {
      return DEFAULT_WAIT;
    }
    try {
      Duration wait = Duration.parse(value);
      if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
        throw Problem.badRequest(
            "query consistencyWait", "consistencyWait must be from PT0S to " + MAX_WAIT);
      }
      return wait;
    } catch (DateTimeParseException e) {
      throw Problem.badRequest(
          "query consistencyWait", "consistencyWait must be an ISO-8601 duration such as PT0.2S");
    }
  }

  /**
   * What the answer says: the token, and whether every copied object in it is at or past it (not
   * stale, not id-only).
   */
  public static JsonObject answer(ReadYourWrites after, Collection<ReplicaEntry> entries) {
    return answer(after, entries, true);
  }

  /**
   * The same, for an answer selected by a query over the copy (a filter on copied fields): {@code
   * copyCaughtUp} false when the copy as a whole was behind the token, so what the query left out
   * may not be what the owner has.
   */
  public static JsonObject answer(
      ReadYourWrites after, Collection<ReplicaEntry> entries, boolean copyCaughtUp) {
    boolean satisfied =
        copyCaughtUp
            && entries.stream()
                .map(ReplicaEntry::freshness)
                .allMatch(f -> !f.stale() && after.token().satisfiedBy(f.asOf()));
    return new JsonObject().put("token", after.token().encode()).put("satisfied", satisfied);
  }
}
