package dev.stockroom.common.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import java.util.UUID;

/**
 * Requests the HTTP codec could not parse (a request line or headers over the limits, a malformed
 * request line) never reach the router. They still get a problem+json answer like every other
 * error, then the connection closes: whatever follows on it cannot be framed. Nothing of the
 * request is echoed.
 */
final class InvalidRequests {
  private InvalidRequests() {}

  static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem problem;
    if (cause instanceof TooLongHttpLineException) {
      problem =
          Problem.of(414, "The request line (method, URI) is longer than this service accepts");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = Problem.of(431, "The request's headers are larger than this service accepts");
    } else {
      problem = Problem.of(400, "The request is not valid HTTP/1.1");
    }
    request
        .response()
        .setStatusCode(problem.status())
        .putHeader("Content-Type", Problem.CONTENT_TYPE)
        .putHeader("Connection", "close")
        .end(problem.toJson(null, UUID.randomUUID().toString()).encode())
        .onComplete(x -> request.connection().close());
  }
}
