package dev.stockroom.common.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition a key's records go to, over a pinned partition count (the outbox relay pins the
 * count a topic had when first published to). The producer's own choice (the same hash, modulo the
 * partitions it currently sees) moves keys when partitions are added to a topic ({@code
 * kafka-topics --alter}): a key's next record would land on a new partition behind the old one's
 * records, and the old partition's watermarks would go on vouching for copies that miss it. Pinned,
 * added partitions stay empty and keys stay put.
 */
public final class KeyPartitions {
  private KeyPartitions() {}

  /** The partition of {@code key} among {@code partitions}: Kafka's murmur2 of its UTF-8 bytes. */
  public static int of(String key, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
    }
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
