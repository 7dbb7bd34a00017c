package dev.stockroom.common.kafka;

import java.util.Map;

/** A topic a service owns and creates at start, with its cleanup policy and other settings. */
public record TopicSpec(
    String name, int partitions, short replicationFactor, Map<String, String> config) {

  public static TopicSpec compacted(String name, int partitions, short replicationFactor) {
    return new TopicSpec(
        name,
        partitions,
        replicationFactor,
        Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"));
  }

  public static TopicSpec deleting(
      String name, int partitions, short replicationFactor, long retentionMs) {
    return new TopicSpec(
        name,
        partitions,
        replicationFactor,
        Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(retentionMs)));
  }
}
