package dev.stockroom.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The fault proxy itself: an outage it simulates must be total, or outage tests pass by luck. */
@DisplayName("The fault-injecting TCP proxy")
class FaultyTcpProxyTest {

  @Test
  @DisplayName(
      "refuse() leaves no connection through, not even one whose server side was still being"
          + " dialled (a CI run's 200 during a database outage)")
  void refuseLeavesNoConnectionThrough() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      NetServer echo =
          TestServices.await(
              vertx.createNetServer().connectHandler(s -> s.handler(s::write)).listen(0),
              Duration.ofSeconds(5));
      try (FaultyTcpProxy proxy = FaultyTcpProxy.to(echo.actualPort())) {
        int through = 0;
        for (int round = 0; round < 20; round++) {
          proxy.accept();
          List<Socket> sockets = new ArrayList<>();
          // Connected as the kernel sees it; the proxy dials the server for each a moment later,
          // so refuse() lands while the last few dials are under way.
          for (int i = 0; i < 32; i++) {
            sockets.add(new Socket("localhost", proxy.port()));
          }
          proxy.refuse();
          for (Socket socket : sockets) {
            through += echoes(socket) ? 1 : 0;
          }
        }
        assertThat(through).as("connections still through after refuse()").isZero();
      }
    } finally {
      TestServices.await(vertx.close(), Duration.ofSeconds(10));
    }
  }

  /** Whether a byte sent now comes back from the server behind the proxy. */
  private static boolean echoes(Socket socket) throws IOException {
    try (socket) {
      socket.setSoTimeout(2_000);
      socket.getOutputStream().write('x');
      return socket.getInputStream().read() == 'x';
    } catch (IOException e) {
      return false; // closed or reset: what an outage looks like
    }
  }
}
