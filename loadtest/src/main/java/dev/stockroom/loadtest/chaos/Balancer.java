package dev.stockroom.loadtest.chaos;

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
 * What a Kubernetes Service is to the callers inside the cluster: one address that spreads
 * connections round robin over a service's instances, skipping an instance that refuses (killed, or
 * not listening yet). The services reach each other through it ({@code USERS_URL}, {@code
 * INVENTORY_URL}), so killing one instance is a fault they must ride out, not an outage.
 */
final class Balancer {
  private final List<Integer> backends = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final NetClient client;
  private NetServer server;

  private Balancer(Vertx vertx) {
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1000));
  }

  static Future<Balancer> start(Vertx vertx, int port, List<Integer> backends) {
    Balancer balancer = new Balancer(vertx);
    balancer.backends.addAll(backends);
    balancer.server = vertx.createNetServer().connectHandler(balancer::accept);
    return balancer.server.listen(port, "localhost").map(s -> balancer);
  }

  int port() {
    return server.actualPort();
  }

  /** An instance joined: it gets its share of new connections. */
  void add(int backend) {
    backends.add(backend);
  }

  private void accept(NetSocket in) {
    in.pause();
    connect(0)
        .onSuccess(
            out -> {
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

  Future<Void> close() {
    return server.close().eventually(client::close);
  }
}
