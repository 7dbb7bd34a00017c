package dev.stockroom.common.kafka;

import java.time.Duration;
import java.util.Map;

/** A topic a service owns and creates at start, with its cleanup policy and other settings. */
public record TopicSpec(
    String name, int partitions, short replicationFactor, Map<String, String> config) {

  /**
   * How long a compacted topic keeps a deletion (the deleted event's tombstone) once compacted: a
   * consumer away longer may never read that a key was deleted.
   */
  public static final Duration TOMBSTONE_RETENTION = Duration.ofHours(24);

  public static TopicSpec compacted(String name, int partitions, short replicationFactor) {
    return new TopicSpec(
        name,
        partitions,
        replicationFactor,
        Map.of(
            "cleanup.policy",
            "compact",
            "min.compaction.lag.ms",
            "60000",
            "delete.retention.ms",
            Long.toString(TOMBSTONE_RETENTION.toMillis())));
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
