package dev.stockroom.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) running in this JVM, for the
 * launcher's {@code dev}/{@code infra} commands and for tests. It can be stopped and restarted on
 * the same port and log directory, so tests can exercise reconnection and durability.
 *
 * <p>Every method blocks (startup takes seconds): call it from test, launcher or worker threads,
 * never from an event loop.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);

  /**
   * The listener clients connect to: its security protocol (also its listener name), the broker
   * settings it needs (keystore, SASL users) and what a client needs to connect (used by the
   * broker's own readiness check).
   */
  public record ClientListener(
      String protocol, Map<String, String> brokerSettings, Map<String, String> clientSettings) {
    public static final ClientListener PLAINTEXT =
        new ClientListener("PLAINTEXT", Map.of(), Map.of());
  }

  private final KraftNode node;
  private final Path logDir;
  private final boolean temporary;
  private final int port;
  private final String clusterId;
  private KafkaRaftServer server;
  private boolean servedBefore;

  private EmbeddedKafkaBroker(KraftNode node, boolean temporary, String clusterId) {
    this.node = node;
    this.logDir = node.logDir();
    this.temporary = temporary;
    this.port = node.port();
    this.clusterId = clusterId;
  }

  /**
   * Formats (unless already formatted) and starts a broker, returning once it serves requests.
   *
   * @param logDir where topics are stored and kept between runs; {@code null} for a temporary
   *     directory deleted on {@link #close()}
   * @param port the client port, {@code 0} for a free one (the controller always gets a free one)
   */
  public static EmbeddedKafkaBroker start(Path logDir, int port) {
    return start(logDir, port, ClientListener.PLAINTEXT);
  }

  /** As {@link #start(Path, int)}, with clients connecting through {@code listener}. */
  public static EmbeddedKafkaBroker start(Path logDir, int port, ClientListener listener) {
    return start(logDir, port, listener, 0);
  }

  /**
   * A plaintext broker on {@code port} that tells clients to connect to {@code advertisedPort}
   * instead: a proxy in front of it sees every client's traffic. Its own inter-broker traffic
   * (transaction verification, say) uses a listener of its own that no proxy slows.
   */
  public static EmbeddedKafkaBroker startBehind(int port, int advertisedPort) {
    return start(null, port, ClientListener.PLAINTEXT, advertisedPort);
  }

  private static EmbeddedKafkaBroker start(
      Path logDir, int port, ClientListener listener, int advertisedPort) {
    try {
      boolean temporary = logDir == null;
      Path dir =
          temporary ? Files.createTempDirectory("stockroom-kafka-") : logDir.toAbsolutePath();
      Files.createDirectories(dir);
      int[] ports = LocalPorts.freePair(port);
      int internal = advertisedPort == 0 ? 0 : LocalPorts.freePair(0)[0];
      EmbeddedKafkaBroker broker =
          new EmbeddedKafkaBroker(
              new KraftNode(dir, listener, ports[0], ports[1], advertisedPort, internal),
              temporary,
              KraftNode.existingClusterId(dir));
      try {
        broker.node.formatIfNeeded(broker.clusterId);
        broker.restart();
      } catch (RuntimeException e) {
        broker.close(); // removes a temporary directory
        throw e;
      }
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start embedded Kafka", e);
    }
  }

  public String bootstrapServers() {
    return "localhost:" + port;
  }

  public int port() {
    return port;
  }

  public Path logDir() {
    return logDir;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /**
   * Starts the broker again on the same ports and log directory, retrying while a port is still
   * held by the previous run. Returns once the broker answers requests and, after a stop, once a
   * transaction and a consumer group work again ({@link RestartProbe}; a broker that does not get
   * there is stopped and started once more); no-op when running.
   */
  public synchronized void restart() {
    if (server != null) {
      return;
    }
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      awaitPortsFree(deadline);
      KafkaRaftServer candidate =
          new KafkaRaftServer(KafkaConfig.fromProps(node.properties(), false), Time.SYSTEM);
      try {
        candidate.startup();
        server = candidate;
        awaitServing(deadline);
        if (servedBefore) {
          RestartProbe.roundTrip(clientSettings(), PROBE_TIMEOUT);
        }
        servedBefore = true;
        LOG.info("Embedded Kafka {} up on {}, logs in {}", clusterId, bootstrapServers(), logDir);
        return;
      } catch (RuntimeException e) {
        // A port another process grabbed or not yet released, or a probe that failed: retry.
        last = e;
        LOG.warn("Embedded Kafka startup failed, retrying: {}", e.toString());
        server = null;
        shutdown(candidate);
        pause(200);
      }
    }
    throw new IllegalStateException("Embedded Kafka did not start within " + DEADLINE, last);
  }

  /** Shuts the broker down and returns once its ports are released; keeps ports and data. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    shutdown(server);
    server = null;
    awaitPortsFree(System.nanoTime() + DEADLINE.toNanos());
    LOG.info("Embedded Kafka on {} stopped", bootstrapServers());
  }

  /** Stops the broker and deletes a temporary log directory. */
  @Override
  public synchronized void close() {
    stop();
    if (temporary) {
      try {
        Directories.deleteRecursively(logDir);
      } catch (java.io.UncheckedIOException e) {
        LOG.warn("Could not delete {}: {}", logDir, e.getCause().toString());
      }
    }
  }

  private void awaitServing(long deadline) {
    Exception last = null;
    try (Admin admin = Admin.create(clientSettings())) {
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for Kafka", e);
        }
        pause(100);
      }
    }
    throw new IllegalStateException("Embedded Kafka did not serve requests in time", last);
  }

  private Map<String, Object> clientSettings() {
    Map<String, Object> client = new HashMap<>(node.listener().clientSettings());
    client.put("bootstrap.servers", bootstrapServers());
    client.put("request.timeout.ms", 5000);
    return client;
  }

  private void awaitPortsFree(long deadline) {
    while (!(LocalPorts.isFree(port)
        && LocalPorts.isFree(node.controllerPort())
        && (node.internalPort() == 0 || LocalPorts.isFree(node.internalPort())))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Port " + port + " or " + node.controllerPort() + " still in use after " + DEADLINE);
      }
      pause(100);
    }
  }

  private static void pause(long millis) {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private static void shutdown(KafkaRaftServer s) {
    try {
      s.shutdown();
      s.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Error while shutting down embedded Kafka: {}", e.toString());
    }
  }
}
