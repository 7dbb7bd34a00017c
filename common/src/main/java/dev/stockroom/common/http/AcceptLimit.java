package dev.stockroom.common.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;
import java.util.OptionalInt;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound on the connections a server holds, kept at accept: past {@code max} open connections the
 * listening socket stops accepting, and new clients wait in the kernel's accept queue (or time out)
 * until connections close. Admission bounds requests, not connections: under a 5,000 requests/s
 * overload the load generator kept opening connections for requests that waited, and inventory
 * accepted ~20,000 of them, each ~12 KB of heap before its request was even read, until a 256 MB
 * heap was gone (2026-12-06). Closing surplus connections in Vert.x's connection handler comes too
 * late: by then each was accepted, registered and given its codecs on an event loop that is already
 * saturated.
 *
 * <p>Vert.x has no option for this, so it is a Netty handler on the listening socket's pipeline,
 * installed through the transport (the NIO one, with its server bootstrap configured once more).
 *
 * <p>Decisions run on the acceptor thread only, so the count needs no lock. The acceptor reads
 * connections in batches of up to 16, so the bound may be passed by up to 15 before it pauses.
 */
public final class AcceptLimit extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(AcceptLimit.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final int max;
  private final int resumeBelow;
  private final AtomicLong pauses;
  private final AtomicInteger open;
  private final AtomicInteger pausedNow;
  private int openOnAcceptor;
  private boolean paused;
  private long lastLogNanos;
  private int pausesUnlogged;

  private AcceptLimit(int max, AtomicLong pauses, AtomicInteger open, AtomicInteger pausedNow) {
    this.max = max;
    // Some room before accepting again, so a server at its bound does not flip at every close.
    this.resumeBelow = Math.max(1, max - Math.max(1, max / 10));
    this.pauses = pauses;
    this.open = open;
    this.pausedNow = pausedNow;
  }

  /**
   * Vert.x's NIO transport, with every server it binds holding at most {@code max} connections, but
   * the one on {@code exemptPort} (the management port: probes must not queue behind API clients,
   * and its gauge counts the API's connections alone). Its meters are bound once Vert.x is built
   * ({@link Limited#bindMeters}): registered before, they would precede the meter filters Vert.x's
   * metrics backend configures.
   */
  public static Limited transport(int max, OptionalInt exemptPort) {
    return new Limited(max, exemptPort.orElse(-1));
  }

  /** The transport, and what its servers count. */
  public static final class Limited implements Transport {
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicInteger pausedNow = new AtomicInteger();
    private final NioTransport implementation;

    private Limited(int max, int exemptPort) {
      this.implementation =
          new NioTransport() {
            @Override
            public void configure(
                NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
              super.configure(options, domainSocket, bootstrap);
              if (options.getPort() != exemptPort) {
                bootstrap.handler(new AcceptLimit(max, pauses, open, pausedNow));
              }
            }
          };
    }

    public void bindMeters(MeterRegistry registry) {
      Gauge.builder("http_connections_accepted", open, AtomicInteger::get)
          .description("Connections accepted and not yet closed (bounded by HTTP_MAX_CONNECTIONS)")
          .register(registry);
      FunctionCounter.builder("http_accept_pauses_total", pauses, AtomicLong::get)
          .description("Times the server stopped accepting: HTTP_MAX_CONNECTIONS were open")
          .register(registry);
      // A server held at its bound pauses once and stays paused: the counter alone would not
      // show it after its first increase leaves the alert's window.
      Gauge.builder("http_accept_paused", pausedNow, AtomicInteger::get)
          .description("Acceptors not accepting now because HTTP_MAX_CONNECTIONS are open")
          .register(registry);
    }

    @Override
    public String name() {
      return "nio";
    }

    @Override
    public boolean available() {
      return true;
    }

    @Override
    public Throwable unavailabilityCause() {
      return null;
    }

    @Override
    public io.vertx.core.spi.transport.Transport implementation() {
      return implementation;
    }
  }

  /** A connection was accepted (on the acceptor thread, before Vert.x sees it). */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel server = ctx.channel();
    openOnAcceptor++;
    open.incrementAndGet();
    ((Channel) msg).closeFuture().addListener(closed -> onAcceptor(server));
    if (openOnAcceptor >= max && !paused) {
      paused = true;
      pauses.incrementAndGet();
      pausedNow.incrementAndGet();
      server.config().setAutoRead(false);
      logPause();
    }
    ctx.fireChannelRead(msg);
  }

  /** The first pause, then one line per interval: at its bound a server pauses at every burst. */
  private void logPause() {
    pausesUnlogged++;
    long now = System.nanoTime();
    if (lastLogNanos != 0 && now - lastLogNanos < LOG_INTERVAL_NANOS) {
      return;
    }
    log.warn(
        "{} connections open (HTTP_MAX_CONNECTIONS {}): stopped accepting until fewer than {} are"
            + " open ({} time(s) since the last such warning)",
        openOnAcceptor,
        max,
        resumeBelow,
        pausesUnlogged);
    lastLogNanos = now;
    pausesUnlogged = 0;
  }

  private void onAcceptor(Channel server) {
    try {
      server.eventLoop().execute(() -> closed(server));
    } catch (RejectedExecutionException stopped) {
      // Vert.x is closing and took the acceptor with it: there is nothing left to count for.
    }
  }

  private void closed(Channel server) {
    openOnAcceptor--;
    open.decrementAndGet();
    if (paused && openOnAcceptor < resumeBelow) {
      paused = false;
      pausedNow.decrementAndGet();
      server.config().setAutoRead(true);
      log.debug("{} connections open: accepting connections again", openOnAcceptor);
    }
  }
}
