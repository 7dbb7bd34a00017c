package dev.stockroom.common.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a connection may hold before it has said who it is. The server's idle timeout restarts with
 * every byte, so without this a client could keep any number of connections open by sending a
 * request head one byte at a time. A connection must deliver a request head within the read timeout
 * (then, between keep-alive requests, within the idle timeout), and one client address may hold at
 * most {@code perClient} connections that have not yet carried an authenticated request — counted
 * until they do, so an ingress proxy relaying many users' authenticated requests is never limited.
 * Shared by every HTTP verticle instance of a service.
 */
public final class ConnectionGuard {
  private final Vertx vertx;
  private final long firstHeadMs;
  private final long nextHeadMs;
  private final int perClient;
  private final Map<String, AtomicInteger> unauthenticated = new ConcurrentHashMap<>();
  private final Map<HttpConnection, State> states = new ConcurrentHashMap<>();
  private final Counter refused;
  private final Counter timedOut;

  /** Per connection: its client, whether it still counts as unauthenticated, its head timer. */
  private static final class State {
    final String client;
    boolean counted = true;
    long timer = -1;

    State(String client) {
      this.client = client;
    }
  }

  public ConnectionGuard(
      Vertx vertx, MeterRegistry registry, Duration readTimeout, Duration idle, int perClient) {
    this.vertx = vertx;
    this.firstHeadMs = readTimeout.toMillis();
    this.nextHeadMs = Math.max(readTimeout.toMillis(), idle.toMillis());
    this.perClient = perClient;
    this.refused =
        Counter.builder("http_connections_refused_total")
            .description("Connections closed at once: too many unauthenticated from one client")
            .register(registry);
    this.timedOut =
        Counter.builder("http_connections_head_timeouts_total")
            .description("Connections closed because no request head arrived in time")
            .register(registry);
  }

  /** The server's connection handler. */
  public void accept(HttpConnection connection) {

    String client =
        connection.remoteAddress() == null ? "?" : connection.remoteAddress().hostAddress();
    AtomicInteger count = unauthenticated.computeIfAbsent(client, c -> new AtomicInteger());
    if (count.incrementAndGet() > perClient) {
      count.decrementAndGet();
      refused.increment();
      connection.close();
      return;
    }
    State state = new State(client);
    states.put(connection, state);
    connection.closeHandler(closed -> closed(connection));
    arm(connection, state, firstHeadMs);
  }

  /** A request head arrived: no head deadline while it is answered; the next one after. */
  void headArrived(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    State state = states.get(connection);
    if (state != null) {
      disarm(state);
      ctx.addEndHandler(done -> arm(connection, state, nextHeadMs));
    }
  }

  /** The request carried a valid token: its connection no longer counts against its client. */
  void authenticated(RoutingContext ctx) {
    if (ctx.user() == null) {
      return;
    }
    State state = states.get(ctx.request().connection());
    if (state != null) {
      uncount(state);
    }
  }

  private void arm(HttpConnection connection, State state, long ms) {
    synchronized (state) {
      disarm(state);
      state.timer =
          vertx.setTimer(
              ms,
              id -> {
                timedOut.increment();
                connection.close();
              });
    }
  }

  private void disarm(State state) {
    synchronized (state) {
      if (state.timer >= 0) {
        vertx.cancelTimer(state.timer);
        state.timer = -1;
      }
    }
  }

  private void closed(HttpConnection connection) {
    State state = states.remove(connection);
    if (state != null) {
      disarm(state);
      uncount(state);
    }
  }

  private void uncount(State state) {
    synchronized (state) {
      if (!state.counted) {
        return;
      }
      state.counted = false;
    }
    unauthenticated.computeIfPresent(state.client, (c, n) -> n.decrementAndGet() <= 0 ? null : n);
  }
}
