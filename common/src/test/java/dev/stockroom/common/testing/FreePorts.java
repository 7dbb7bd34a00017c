package dev.stockroom.common.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for servers a test starts on a number it must know in advance (a service told where the
 * others listen). They come from below the kernel's ephemeral range (Linux: 32768–60999): a port
 * picked with {@code bind(0)} and released is from that range, and the next outgoing connection (a
 * Kafka client, a pool's connection) or {@code port 0} listener may take it before the server binds
 * it ("Address already in use", seen in CI). Below the range only servers bind.
 */
public final class FreePorts {
  static final int LOWEST = 15_000;
  // Room below 32768 for the launcher's instance ports (a service's port + 100 k, k up to 2).
  static final int HIGHEST = 32_567;

  // A random start per JVM keeps forks apart; counting up keeps one JVM's ports distinct.
  private static final AtomicInteger NEXT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(HIGHEST - LOWEST + 1));

  private FreePorts() {}

  /** A port nothing listens on now, never handed out before in this JVM. */
  public static int next() {
    for (int tries = 0; tries <= HIGHEST - LOWEST; tries++) {
      int port = LOWEST + Math.floorMod(NEXT.getAndIncrement(), HIGHEST - LOWEST + 1);
      if (isFree(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port in " + LOWEST + "–" + HIGHEST);
  }

  /** {@code count} distinct ports from {@link #next()}. */
  public static int[] next(int count) {
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) {
      ports[i] = next();
    }
    return ports;
  }

  /** Whether a server could bind the port on all interfaces, with address reuse as Vert.x does. */
  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
