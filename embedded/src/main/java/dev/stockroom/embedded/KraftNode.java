package dev.stockroom.embedded;

import dev.stockroom.embedded.EmbeddedKafkaBroker.ClientListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * How the embedded broker's single KRaft node is laid out: its settings, its ports and the
 * formatting of its log directory. {@link EmbeddedKafkaBroker} runs it.
 *
 * @param advertisedPort the port clients are told to use (a proxy's), or {@code 0} for {@code port}
 * @param internalPort the broker's own listener when clients go through a proxy, else {@code 0}
 */
record KraftNode(
    Path logDir,
    ClientListener listener,
    int port,
    int controllerPort,
    int advertisedPort,
    int internalPort) {

  /** The node's server.properties: one listener for clients, one for the controller. */
  Properties properties() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    String name = listener.protocol();
    p.put("listeners", name + "://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", name + "://localhost:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", name);
    p.put("listener.security.protocol.map", name + ":" + name + ",CONTROLLER:PLAINTEXT");
    if (advertisedPort != 0) {
      String internal = "INTERNAL://localhost:" + internalPort;
      p.put("listeners", p.get("listeners") + "," + internal);
      p.put("advertised.listeners", name + "://localhost:" + advertisedPort + "," + internal);
      p.put("inter.broker.listener.name", "INTERNAL");
      p.put(
          "listener.security.protocol.map",
          p.get("listener.security.protocol.map") + ",INTERNAL:PLAINTEXT");
    }
    p.put("log.dirs", logDir.toString());
    // One node: every internal topic must fit on it. One partition each keeps startup fast.
    for (String topic :
        List.of("offsets.topic", "transaction.state.log", "share.coordinator.state.topic")) {
      p.put(topic + ".replication.factor", "1");
      p.put(topic + ".num.partitions", "1");
    }
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("auto.create.topics.enable", "false");
    // Controlled shutdown fences the broker in the metadata log; without it a restarted broker is
    // refused as a duplicate registration until the old session times out (~9 s).
    p.put("controlled.shutdown.enable", "true");
    // Last: a listener's settings (or a test's, e.g. auto-creation on) win over the defaults.
    p.putAll(listener.brokerSettings());
    return p;
  }

  /** Formats the log directory unless it already is (then its cluster id is kept). */
  void formatIfNeeded(String clusterId) throws IOException {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path props = Files.createTempFile("stockroom-kafka-", ".properties");
    try (OutputStream out = Files.newOutputStream(props)) {
      properties().store(out, null);
    }
    try {
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      PrintStream ps = new PrintStream(output, true, StandardCharsets.UTF_8);
      String[] args = {"format", "-t", clusterId, "-c", props.toString()};
      if (StorageTool.execute(args, ps) != 0) {
        throw new IllegalStateException(
            "Formatting " + logDir + " failed: " + output.toString(StandardCharsets.UTF_8));
      }
    } finally {
      Files.deleteIfExists(props);
    }
  }

  /** The cluster id of an already formatted directory, else a new one. */
  static String existingClusterId(Path dir) throws IOException {
    Properties meta = new Properties();
    if (Files.exists(dir.resolve("meta.properties"))) {
      try (InputStream in = Files.newInputStream(dir.resolve("meta.properties"))) {
        meta.load(in);
      }
    }
    return meta.getProperty("cluster.id", Uuid.randomUuid().toString());
  }
}
