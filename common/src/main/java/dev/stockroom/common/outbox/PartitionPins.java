package dev.stockroom.common.outbox;

import dev.stockroom.common.kafka.KeyPartitions;
import io.vertx.core.Future;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The partition count each event topic's keys are spread over, kept in outbox_topic_partitions. */
final class PartitionPins {
  private static final Logger log = LoggerFactory.getLogger(PartitionPins.class);
  private static final String PIN =
      "INSERT INTO outbox_topic_partitions (topic, partitions) VALUES ($1, $2)"
          + " ON CONFLICT (topic) DO NOTHING";
  private static final String PINNED =
      "SELECT topic, partitions FROM outbox_topic_partitions WHERE topic = ANY($1)";

  private PartitionPins() {}

  /**
   * The partitions each topic's keys go to ({@link KeyPartitions}): pinned in the database the
   * first time a relay saw the topic, at its partition count then (the count it was created with,
   * unless partitions were added before this existed). Kafka's producer would spread keys over the
   * partitions it sees now, moving them when partitions are added; pinned, they stay, and added
   * partitions get only watermarks. A topic with fewer partitions than pinned (deleted and made
   * again) fails the relay's cycles: some keys would have no partition.
   */
  static Future<Map<String, Integer>> load(
      Pool pool, KafkaProducer<String, byte[]> producer, List<String> topics) {
    if (topics.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<Future<List<PartitionInfo>>> lookups =
        topics.stream().map(producer::partitionsFor).toList();
    return Future.all(lookups)
        .compose(
            all -> {
              List<Tuple> seen = new ArrayList<>();
              for (int i = 0; i < topics.size(); i++) {
                seen.add(Tuple.of(topics.get(i), lookups.get(i).result().size()));
              }
              return pool.preparedQuery(PIN)
                  .executeBatch(seen)
                  .compose(
                      v ->
                          pool.preparedQuery(PINNED)
                              .execute(Tuple.of((Object) topics.toArray(String[]::new))))
                  .map(rows -> checked(rows, topics, lookups));
            });
  }

  private static Map<String, Integer> checked(
      RowSet<Row> rows, List<String> topics, List<Future<List<PartitionInfo>>> lookups) {
    Map<String, Integer> pinned = new TreeMap<>();
    rows.forEach(row -> pinned.put(row.getString("topic"), row.getInteger("partitions")));
    for (int i = 0; i < topics.size(); i++) {
      String topic = topics.get(i);
      int now = lookups.get(i).result().size();
      int keys = pinned.get(topic);
      if (now < keys) {
        throw new IllegalStateException(
            "topic "
                + topic
                + " has "
                + now
                + " partitions, fewer than the "
                + keys
                + " its keys were pinned to (outbox_topic_partitions): was it made again?");
      }
      if (now > keys) {
        log.warn(
            "topic {} has {} partitions; its keys stay on the first {} (pinned when it was first"
                + " published to), the others get only watermarks",
            topic,
            now,
            keys);
      }
    }
    return pinned;
  }
}
