package dev.stockroom.common.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.time.Duration;

/**
 * A request whose body has not fully arrived within the timeout gets 408 and its connection is
 * closed. The server's idle timeout alone restarts with every byte, so a body sent one byte at a
 * time would otherwise hold its slot for ever. Time spent answering a complete request does not
 * count.
 */
final class RequestReadTimeout implements PlatformHandler {
  private final Vertx vertx;
  private final long timeoutMs;

  RequestReadTimeout(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeoutMs = timeout.toMillis();
  }

  @Override
  public void handle(RoutingContext ctx) {
    // An HTTP/1.1 request without a body ends with its head (Netty hands the empty end over right
    // after it): no timer to set and cancel for every GET. An HTTP/2 stream may carry one anyway.
    if (!ctx.request().isEnded()
        && (ctx.request().version() == HttpVersion.HTTP_2 || HttpApi.hasBody(ctx.request()))) {
      long timer = vertx.setTimer(timeoutMs, id -> expire(ctx));
      ctx.addEndHandler(done -> vertx.cancelTimer(timer));
    }
    ctx.next();
  }

  private void expire(RoutingContext ctx) {
    if (ctx.request().isEnded() || ctx.response().ended()) {
      return;
    }
    ClosingConnections.afterAnswer(ctx);
    ProblemHandler.send(
        ctx,
        Problem.of(
            408,
            "The request was not received within "
                + Duration.ofMillis(timeoutMs)
                + " (HTTP_REQUEST_READ_TIMEOUT)"));
  }
}
