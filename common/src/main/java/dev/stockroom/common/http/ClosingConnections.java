package dev.stockroom.common.http;

import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/** Answering a request whose body will not be read. */
final class ClosingConnections {
  private ClosingConnections() {}

  /**
   * HTTP/1.x: the rest of the body would be read as the next request, so the connection closes once
   * the answer is written ({@code Connection: close}). HTTP/2 frames each stream: ending the answer
   * ends the stream, and the connection's other streams go on.
   */
  static void afterAnswer(RoutingContext ctx) {
    if (ctx.request().version() == HttpVersion.HTTP_2) {
      return;
    }
    ctx.response().putHeader("Connection", "close");
    ctx.response().bodyEndHandler(written -> ctx.request().connection().close());
  }
}
