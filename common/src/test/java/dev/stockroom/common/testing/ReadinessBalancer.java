package dev.stockroom.common.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a Kubernetes Service does for a test: each new connection goes to one of the backends whose
 * {@code /health/ready} answers 200 (checked every 100 ms, as endpoints follow readiness); an open
 * connection stays with its backend, as kube-proxy keeps it. A backend that starts draining stops
 * getting new connections; the ones it has are its own to drain.
 *
 * <p>Blocking construction and close: call from test threads, never from an event loop.
 */
public final class ReadinessBalancer implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();
  private final HttpClient probe = vertx.createHttpClient();
  private final List<Integer> backends = new CopyOnWriteArrayList<>();
  private final Set<Integer> ready = ConcurrentHashMap.newKeySet();
  private final AtomicInteger next = new AtomicInteger();
  private final int port;

  public ReadinessBalancer(int... backendPorts) {
    for (int p : backendPorts) {
      backends.add(p);
    }
    vertx.setPeriodic(100, id -> probeAll());
    this.port =
        TestServices.await(
                vertx.createNetServer().connectHandler(this::route).listen(0),
                Duration.ofSeconds(5))
            .actualPort();
  }

  public int port() {
    return port;
  }

  /** The backends that got new connections at the last probe. */
  public Set<Integer> ready() {
    return Set.copyOf(ready);
  }

  @Override
  public void close() {
    TestServices.await(vertx.close(), Duration.ofSeconds(10));
  }

  private void probeAll() {
    for (int backend : backends) {
      probe
          .request(io.vertx.core.http.HttpMethod.GET, backend, "localhost", "/health/ready")
          .compose(r -> r.send())
          .onSuccess(
              r -> {
                if (r.statusCode() == 200) {
                  ready.add(backend);
                } else {
                  ready.remove(backend);
                }
              })
          .onFailure(e -> ready.remove(backend));
    }
  }

  private void route(NetSocket downstream) {
    List<Integer> candidates = backends.stream().filter(ready::contains).toList();
    if (candidates.isEmpty()) {
      downstream.close();
      return;
    }
    int backend = candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    downstream.pause();
    client
        .connect(backend, "localhost")
        .onFailure(e -> downstream.close())
        .onSuccess(
            upstream -> {
              downstream.handler(upstream::write);
              upstream.handler(downstream::write);
              downstream.closeHandler(v -> upstream.close());
              upstream.closeHandler(v -> downstream.close());
              downstream.resume();
            });
  }
}
