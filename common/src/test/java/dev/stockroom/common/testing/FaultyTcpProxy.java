package dev.stockroom.common.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a real server (PostgreSQL, a Kafka broker) that can go down on command:
 * {@link #refuse()} cuts every open connection and refuses new ones, as a server that restarts or a
 * network that partitions does; {@link #accept()} lets clients in again; {@link #reset()} cuts them
 * with a TCP reset. {@link #delay} holds each chunk of bytes coming back from the server for a
 * while, as a slow link does. {@link #blackhole()} drops everything on the open connections and
 * keeps the server's side open when the client gives up, as a node that lost power or a network
 * that drops packets without a reset: the server learns nothing.
 *
 * <p>Blocking construction and close: call from test threads, never from an event loop.
 */
public final class FaultyTcpProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();
  private final NetServer server;
  private final int targetPort;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong delayMillis = new AtomicLong();
  private final AtomicInteger refused = new AtomicInteger();
  private final Set<NetSocket> clients = ConcurrentHashMap.newKeySet();
  private final Set<NetSocket> slowClients = ConcurrentHashMap.newKeySet();
  private final AtomicLong slowRequestMillis = new AtomicLong();
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger delayed = new AtomicInteger();
  private final Object gate = new Object();
  private final Set<NetSocket> blackholed = ConcurrentHashMap.newKeySet();
  private volatile boolean refusing;

  private FaultyTcpProxy(int listenPort, int targetPort) {
    this.targetPort = targetPort;
    this.server =
        TestServices.await(
            vertx.createNetServer().connectHandler(this::connect).listen(listenPort),
            Duration.ofSeconds(5));
  }

  /** A proxy on a free port of localhost, forwarding to {@code targetPort} on localhost. */
  public static FaultyTcpProxy to(int targetPort) {
    return new FaultyTcpProxy(0, targetPort);
  }

  /** A proxy on {@code listenPort}: for a server that must advertise the proxy's address. */
  public static FaultyTcpProxy on(int listenPort, int targetPort) {
    return new FaultyTcpProxy(listenPort, targetPort);
  }

  public int port() {
    return server.actualPort();
  }

  /** Cuts every open connection; new ones are closed as soon as they arrive. */
  public void refuse() {
    List<NetSocket> cut;
    // Under the gate with connect's completion: a connection whose upstream was still being dialled
    // when refuse() ran is cut when the dial completes, never kept (a CI run saw a 200 there).
    synchronized (gate) {
      refusing = true;
      cut = List.copyOf(open);
    }
    // Returns once the cuts are done: a request sent right after must not slip through a
    // connection whose close was still on its way (a CI run saw a 200 there too).
    TestServices.await(
        Future.all(cut.stream().map(NetSocket::close).toList()), Duration.ofSeconds(5));
  }

  /**
   * Resets every open connection (TCP RST, as a server process that dies or a stateful firewall
   * that forgets a flow): clients read "Connection reset" rather than an orderly close. New
   * connections are let in.
   */
  public void reset() {
    List<Future<Void>> resets = new ArrayList<>();
    for (NetSocket socket : clients) {
      Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
      Promise<Void> done = Promise.promise();
      // On the channel's own event loop: a socket that the other side closed meanwhile is skipped
      // (setting SO_LINGER on a closed socket throws), and the server side follows in closeBoth.
      channel
          .eventLoop()
          .execute(
              () -> {
                if (channel.isOpen()) {
                  channel.config().setOption(ChannelOption.SO_LINGER, 0);
                  channel.close();
                }
                done.complete();
              });
      resets.add(done.future());
    }
    TestServices.await(Future.all(resets), Duration.ofSeconds(5));
  }

  /**
   * The client's side is cut off without a word, as a node that lost power: from now on the open
   * connections carry nothing either way, a client closing one is not passed on (the server keeps
   * its side open, waiting, until its own timeouts or {@link #close()} end it), and new connections
   * are refused. (Letting them through let the cut-off client simply connect again.)
   */
  public void blackhole() {
    synchronized (gate) {
      blackholed.addAll(clients);
      refusing = true;
    }
  }

  /** How many connections were refused so far: a client's attempts while the server was down. */
  public int refused() {
    return refused.get();
  }

  public void accept() {
    refusing = false;
  }

  /** Bytes from the server reach the client {@code delay} late (zero: at once). */
  public void delay(Duration delay) {
    delayMillis.set(delay.toMillis());
  }

  /**
   * Bytes that clients send on the connections open right now reach the server {@code delay} late;
   * connections opened later are not slowed. A client that is the only one connected at this moment
   * (a leader's producer, say) gets a slow link while a newcomer does not.
   */
  public void slowDownOpenConnections(Duration delay) {
    slowRequestMillis.set(delay.toMillis());
    slowClients.addAll(clients);
  }

  /**
   * Chunks of the server's bytes held back by {@link #delay} and not yet passed on: an answer the
   * server has already given that its client has not yet heard.
   */
  public int delayed() {
    return delayed.get();
  }

  /** Chunks of client bytes held back by {@link #slowDownOpenConnections} and not yet sent on. */
  public int held() {
    return held.get();
  }

  @Override
  public void close() {
    TestServices.await(vertx.close(), Duration.ofSeconds(10));
  }

  private void connect(NetSocket downstream) {
    if (refusing) {
      refused.incrementAndGet();
      downstream.close();
      return;
    }
    downstream.pause();
    client
        .connect(targetPort, "localhost")
        .onFailure(e -> downstream.close())
        .onSuccess(
            upstream -> {
              synchronized (gate) {
                if (refusing) {
                  refused.incrementAndGet();
                  downstream.close();
                  upstream.close();
                  return;
                }
                open.add(downstream);
                open.add(upstream);
                clients.add(downstream);
              }
              downstream.handler(bytes -> toServer(downstream, upstream, bytes));
              upstream.handler(
                  bytes -> {
                    if (!blackholed.contains(downstream)) {
                      toClient(downstream, bytes);
                    }
                  });
              downstream.closeHandler(v -> closeBoth(downstream, upstream));
              upstream.closeHandler(v -> closeBoth(downstream, upstream));
              downstream.resume();
            });
  }

  private void toServer(NetSocket downstream, NetSocket upstream, Buffer bytes) {
    if (blackholed.contains(downstream)) {
      return;
    }
    if (!slowClients.contains(downstream)) {
      upstream.write(bytes);
      return;
    }
    held.incrementAndGet();
    vertx.setTimer(
        slowRequestMillis.get(),
        id -> {
          upstream.write(bytes);
          held.decrementAndGet();
        });
  }

  private void toClient(NetSocket downstream, Buffer bytes) {
    long delay = delayMillis.get();
    if (delay == 0) {
      downstream.write(bytes);
    } else {
      delayed.incrementAndGet();
      vertx.setTimer(
          delay,
          id -> {
            downstream.write(bytes);
            delayed.decrementAndGet();
          });
    }
  }

  private void closeBoth(NetSocket a, NetSocket b) {
    if (blackholed.contains(a)) {
      // The client's side only: nothing reaches the server, not even that the client is gone.
      clients.remove(a);
      a.close();
      return;
    }
    open.remove(a);
    open.remove(b);
    clients.remove(a);
    a.close();
    b.close();
  }
}
