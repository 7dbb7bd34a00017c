package dev.stockroom.common.kafka;

import java.util.Map;

/**
 * Client settings every service uses. Producers are idempotent with acks=all (a retried send never
 * duplicates or reorders); consumers never auto-commit: offsets are committed by the code, after
 * the database transaction that applied the records, and never create a topic by asking for it.
 * (Producers have no such setting: whatever publishes waits for {@link TopicSetup#ready()}.)
 */
public final class KafkaSettings {
  private KafkaSettings() {}

  public static Map<String, String> producer(KafkaConnection connection, String clientId) {
    Map<String, String> config = connection.clientConfig();
    config.put("client.id", clientId);
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("max.in.flight.requests.per.connection", "5");
    config.put("linger.ms", "2");
    config.put("delivery.timeout.ms", "30000");
    config.put("request.timeout.ms", "10000");
    config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    return config;
  }

  public static Map<String, String> consumer(
      KafkaConnection connection, String groupId, String clientId) {
    Map<String, String> config = connection.clientConfig();
    config.put("group.id", groupId);
    config.put("client.id", clientId);
    config.put("enable.auto.commit", "false");
    // A new group reads the (compacted) topic from the start: it is the full snapshot.
    config.put("auto.offset.reset", "earliest");
    config.put("isolation.level", "read_committed");
    // Only the owner creates its topic, with its settings: a consumer that subscribes first must
    // not make the broker create it with defaults (a deleting users.v1 would lose the snapshot).
    config.put("allow.auto.create.topics", "false");
    config.put("max.poll.records", "500");
    // A crashed instance's partitions move to the others after this long. Kafka's default (45 s)
    // left a replica's copies standing still for most of a minute after a SIGKILL (found trying
    // failover with dev --instances 2); heartbeats come from the client's own thread, so only a
    // frozen process misses them.
    config.put("session.timeout.ms", "10000");
    config.put("heartbeat.interval.ms", "3000");
    config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    config.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    return config;
  }

  /**
   * A consumer outside any group, for reading a topic on assigned partitions from explicit
   * positions (the operators' dead-letter list, a replica rebuild): nothing is committed, and no
   * group ACL is needed.
   */
  public static Map<String, String> reader(KafkaConnection connection, String clientId) {
    Map<String, String> config = consumer(connection, "none", clientId);
    config.remove("group.id");
    return config;
  }

  public static Map<String, String> admin(KafkaConnection connection) {
    Map<String, String> config = connection.clientConfig();
    config.put("request.timeout.ms", "10000");
    config.put("default.api.timeout.ms", "20000");
    return config;
  }
}
