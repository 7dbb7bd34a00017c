package dev.stockroom.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports on localhost for the embedded broker: free ones to take, and whether one is free again. */
final class LocalPorts {
  private LocalPorts() {}

  /** The client port (or a free one for 0) and a free controller port, all distinct. */
  static int[] freePair(int port) throws IOException {
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getByName("localhost"));
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
      if (port == 0) {
        return new int[] {a.getLocalPort(), b.getLocalPort()};
      }
      return new int[] {port, a.getLocalPort() != port ? a.getLocalPort() : b.getLocalPort()};
    }
  }

  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // Same as Kafka's acceptor, so TIME_WAIT connections do not count as busy.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName("localhost"), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
