package dev.stockroom.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks done before starting anything, so a clash is one clear line, not a stack trace. */
final class Ports {
  private Ports() {}

  /**
   * Whether {@code port} can be bound on all interfaces, as the services' HTTP servers do. Address
   * reuse is on (as in Vert.x and Kafka), so sockets in TIME_WAIT from a previous run don't count.
   */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port the OS considers free right now (it may be taken again before it is used). */
  static int free() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("No free TCP port", e);
    }
  }

  /**
   * {@code preferred} when it is free, else {@code 0} (meaning "any free port" to the embedded
   * servers). Postgres and Kafka may move: what is printed is what clients use.
   */
  static int preferredOrAny(int preferred) {
    return preferred != 0 && isFree(preferred) ? preferred : 0;
  }
}
