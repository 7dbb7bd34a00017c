package dev.stockroom.common.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
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

  /**
   * Per connection: its client, whether it still counts as unauthenticated, and its head deadline.
   * Touched only on the connection's event loop. The deadline moves with every answered request
   * without touching the timer: one timer per connection checks it when it fires and re-arms for
   * what is left, instead of a timer set and cancelled for every request.
   */
  private static final class State {
    final String client;
    final HttpConnection connection;
    boolean counted = true;
    int answering;
    long deadlineNanos;
    long timer = -1;

    State(String client, HttpConnection connection) {
      this.client = client;
      this.connection = connection;
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
    // Under Vert.x's name for it: the platform keeps the server's meters (RequestMeters).
    Gauge.builder("vertx.http.server.active.connections", states, Map::size)
        .description("Number of opened connections to the server")
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
    State state = new State(client, connection);
    states.put(connection, state);
    connection.closeHandler(closed -> closed(connection));
    state.deadlineNanos = System.nanoTime() + firstHeadMs * 1_000_000;
    arm(state, firstHeadMs);
  }

  /** A request head arrived: no head deadline while it is answered; the next one after. */
  void headArrived(RoutingContext ctx) {
    State state = states.get(ctx.request().connection());
    if (state != null) {
      state.answering++;
      ctx.addEndHandler(done -> answered(state));
    }
  }

  private void answered(State state) {
    if (--state.answering > 0) {
      return;
    }
    state.deadlineNanos = System.nanoTime() + nextHeadMs * 1_000_000;
    if (state.timer < 0) {
      arm(state, nextHeadMs);
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

  private void arm(State state, long ms) {
    state.timer = vertx.setTimer(Math.max(1, ms), id -> deadlineCheck(state));
  }

  /** Closes the connection if its deadline passed with no request being answered. */
  private void deadlineCheck(State state) {
    state.timer = -1;
    if (state.answering > 0 || !states.containsKey(state.connection)) {
      return; // answered() arms again; a closed connection needs nothing
    }
    long leftMs = (state.deadlineNanos - System.nanoTime()) / 1_000_000;
    if (leftMs > 0) {
      arm(state, leftMs);
      return;
    }
    timedOut.increment();
    state.connection.close();
  }

  private void closed(HttpConnection connection) {
    State state = states.remove(connection);
    if (state != null) {
      if (state.timer >= 0) {
        vertx.cancelTimer(state.timer);
      }
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
