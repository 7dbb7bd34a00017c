package dev.stockroom.embedded;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a Kubernetes Service is to the callers inside the cluster, on one machine: one address that
 * spreads connections round robin over a service's instances, skipping an instance that refuses
 * (killed, or not listening yet). With several instances of a service (the launcher's {@code dev
 * --instances N}, the chaos harness) the others reach it through this ({@code USERS_URL}, {@code
 * INVENTORY_URL}), so killing one instance is a fault they ride out, not an outage.
 */
public final class LocalBalancer {
  private final List<Integer> backends = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final NetClient client;
  private NetServer server;

  private LocalBalancer(Vertx vertx) {
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1000));
  }

  /** Listens on {@code port} of localhost ({@code 0}: any free one). */
  public static Future<LocalBalancer> start(Vertx vertx, int port, List<Integer> backends) {
    LocalBalancer balancer = new LocalBalancer(vertx);
    balancer.backends.addAll(backends);
    balancer.server = vertx.createNetServer().connectHandler(balancer::accept);
    return balancer.server.listen(port, "localhost").map(s -> balancer);
  }

  public int port() {
    return server.actualPort();
  }

  /** An instance joined: it gets its share of new connections. */
  public void add(int backend) {
    backends.add(backend);
  }

  private void accept(NetSocket in) {
    in.pause();
    connect(0)
        .onSuccess(
            out -> {
              // Each pipe ends its destination when its source ends or fails (a reset).
              in.pipeTo(out);
              out.pipeTo(in);
            })
        .onFailure(e -> in.close());
  }

  private Future<NetSocket> connect(int tried) {
    if (tried >= backends.size()) {
      return Future.failedFuture("no instance accepts connections");
    }
    int backend = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
    return client.connect(backend, "localhost").recover(e -> connect(tried + 1));
  }

  public Future<Void> close() {
    return server.close().eventually(client::close);
  }
}
