package dev.stockroom.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  /**
   * Why the ports come from below the ephemeral range: an outgoing connection's local port is one a
   * server cannot bind any more, and any connection of the JVM may take a released port.
   */
  @Test
  void anOutgoingConnectionsPortCannotBeBoundBySomeServer() throws IOException {
    try (ServerSocket peer = new ServerSocket(0);
        Socket client = new Socket("localhost", peer.getLocalPort());
        ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      assertThatThrownBy(() -> server.bind(new InetSocketAddress(client.getLocalPort())))
          .isInstanceOf(BindException.class);
    }
  }

  @Test
  void portsAreDistinctAndOutsideTheKernelsEphemeralRange() throws IOException {
    String[] range =
        Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
            .get(0)
            .trim()
            .split("\\s+");
    int low = Integer.parseInt(range[0]);
    int high = Integer.parseInt(range[1]);

    int[] ports = FreePorts.next(200);

    assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(200);
    assertThat(Arrays.stream(ports).filter(p -> p >= low && p <= high)).isEmpty();
  }
}
