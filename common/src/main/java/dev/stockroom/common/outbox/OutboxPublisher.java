package dev.stockroom.common.outbox;

import dev.stockroom.common.kafka.KeyPartitions;
import dev.stockroom.common.tracing.TraceContexts;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.Future;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relay cycle: read unpublished outbox rows in id order, publish them in ONE Kafka transaction
 * (the producer keeps their order per partition), then mark them published on the relay's lock
 * session. A relay that lost its lock is fenced by its successor's transactional producer (same
 * {@code transactional.id}): its open transaction is aborted and anything it still sends is
 * refused, so nothing it read can land after the successor's records (read_committed consumers
 * never see aborted ones). The mark runs on the lock session, so a leader whose session is gone
 * cannot mark rows either; its successor publishes them again (consumers are idempotent).
 *
 * <p>The watermark argument: {@code asOf} is read from the database clock in a statement that runs
 * BEFORE the statement that reads the rows, so every transaction that committed before {@code asOf}
 * is visible to that read. If the read drained the backlog, all of them are now published (this
 * cycle or an earlier one), and the watermark may say so, in the same transaction.
 */
final class OutboxPublisher {
  private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
  private static final String NOW = "SELECT statement_timestamp() AS now";
  private static final String UNPUBLISHED =
      "SELECT id, topic, event_key, event_type, event_id, payload, created_at, trace_context"
          + " FROM outbox"
          + " WHERE published_at IS NULL ORDER BY id LIMIT $1";
  private static final String PIN_PARTITIONS =
      "INSERT INTO outbox_topic_partitions (topic, partitions) VALUES ($1, $2)"
          + " ON CONFLICT (topic) DO NOTHING";
  private static final String PINNED_PARTITIONS =
      "SELECT topic, partitions FROM outbox_topic_partitions WHERE topic = ANY($1)";
  private static final String MARK_PUBLISHED =
      "UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1)";

  private final Pool pool;
  private final KafkaProducer<String, byte[]> producer;
  private final Supplier<Future<SqlClient>> lockSession;
  private final OutboxRelayConfig config;
  private final List<String> topics;
  private Map<String, Integer> keyPartitions = Map.of(); // set by pinPartitions()
  private final Timer publishLatency;
  private final Tracer tracer;

  OutboxPublisher(
      Pool pool,
      KafkaProducer<String, byte[]> producer,
      Supplier<Future<SqlClient>> lockSession,
      OutboxRelayConfig config,
      Set<String> topics,
      Timer publishLatency,
      Tracer tracer) {
    this.pool = pool;
    this.producer = producer;
    this.lockSession = lockSession;
    this.config = config;
    this.topics = List.copyOf(new TreeSet<>(topics));
    this.publishLatency = publishLatency;
    this.tracer = tracer;
  }

  /**
   * The partitions each topic's keys go to ({@link KeyPartitions}): pinned in the database the
   * first time a relay saw the topic, at its partition count then (the count it was created with,
   * unless partitions were added before this existed). Kafka's producer would spread keys over the
   * partitions it sees now, moving them when partitions are added; pinned, they stay, and added
   * partitions get only watermarks. A topic with fewer partitions than pinned (deleted and made
   * again) fails the relay's cycles: some keys would have no partition.
   */
  Future<Void> pinPartitions() {
    if (topics.isEmpty()) {
      return Future.succeededFuture();
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
              return pool.preparedQuery(PIN_PARTITIONS)
                  .executeBatch(seen)
                  .compose(
                      v ->
                          pool.preparedQuery(PINNED_PARTITIONS)
                              .execute(Tuple.of((Object) topics.toArray(String[]::new))))
                  .map(rows -> checked(rows, lookups));
            })
        .onSuccess(pinned -> keyPartitions = pinned)
        .mapEmpty();
  }

  private Map<String, Integer> checked(
      RowSet<Row> rows, List<Future<List<PartitionInfo>>> lookups) {
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

  /**
   * What a cycle did: {@code more} when it read a full batch (more may be waiting), {@code
   * published} when it sent any outbox record.
   */
  record Cycle(boolean more, boolean published) {}

  /** Publishes one batch. */
  Future<Cycle> cycle(boolean watermarkDue) {
    Future<Instant> asOf = watermarkDue ? databaseNow() : Future.succeededFuture(null);
    return asOf.compose(
        t ->
            unpublished()
                .compose(
                    rows -> {
                      boolean drained = rows.size() < config.batchSize();
                      boolean watermark = drained && t != null;
                      if (rows.isEmpty() && !watermark) {
                        return Future.succeededFuture(new Cycle(false, false));
                      }
                      return inTransaction(
                              () ->
                                  publish(rows)
                                      .compose(
                                          v ->
                                              watermark
                                                  ? publishWatermarks(t)
                                                  : Future.succeededFuture()))
                          .compose(v -> markPublished(rows))
                          .map(new Cycle(!drained, !rows.isEmpty()));
                    }));
  }

  /**
   * A cycle that failed inside its Kafka transaction: the producer may be left mid-abort (an abort
   * that timed out must be retried before anything else is allowed), so the relay replaces it.
   */
  static final class TransactionFailed extends RuntimeException {
    TransactionFailed(Throwable cause) {
      super(cause.toString(), cause);
    }
  }

  private Future<Void> inTransaction(Supplier<Future<Void>> sends) {
    return producer
        .beginTransaction()
        .compose(v -> sends.get())
        .compose(v -> producer.commitTransaction())
        .recover(
            e ->
                producer
                    .abortTransaction()
                    .transform(x -> Future.failedFuture(new TransactionFailed(e))));
  }

  private Future<Instant> databaseNow() {
    return pool.query(NOW)
        .execute()
        .map(rows -> rows.iterator().next().getOffsetDateTime("now").toInstant());
  }

  private Future<List<OutboxRow>> unpublished() {
    return pool.preparedQuery(UNPUBLISHED)
        .execute(Tuple.of(config.batchSize()))
        .map(
            rows -> {
              List<OutboxRow> result = new ArrayList<>(rows.size());
              for (Row row : rows) {
                result.add(OutboxRow.from(row));
              }
              return result;
            });
  }

  private Future<Void> publish(List<OutboxRow> rows) {
    List<Future<?>> sends = new ArrayList<>(rows.size());
    for (OutboxRow row : rows) {
      KafkaProducerRecord<String, byte[]> record =
          CloudEventRecords.of(config.source(), row, keyPartitions.get(row.topic()));
      Span span = publishSpan(row);
      String trace = TraceContexts.of(span);
      if (trace != null) {
        record.addHeader(TraceContexts.HEADER, trace);
      }
      sends.add(
          producer
              .send(record)
              .onComplete(
                  (sent, failure) -> {
                    if (failure != null) {
                      span.setStatus(StatusCode.ERROR, failure.toString());
                    }
                    span.end();
                  }));
    }
    return Future.all(sends).mapEmpty();
  }

  /**
   * A producer span in the trace of the request that wrote the row (none for untraced rows): the
   * trace of a write then shows when its event left for Kafka, and the record carries it on.
   */
  private Span publishSpan(OutboxRow row) {
    if (row.traceContext() == null) {
      return Span.getInvalid();
    }
    return tracer
        .spanBuilder(row.topic() + " publish")
        .setParent(TraceContexts.parent(row.traceContext()))
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute("messaging.system", "kafka")
        .setAttribute("messaging.operation.type", "send")
        .setAttribute("messaging.destination.name", row.topic())
        .setAttribute("messaging.kafka.message.key", row.key())
        .startSpan();
  }

  private Future<Void> markPublished(List<OutboxRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    Instant now = Instant.now();
    rows.forEach(row -> publishLatency.record(Duration.between(row.createdAt(), now)));
    Long[] ids = rows.stream().map(OutboxRow::id).toArray(Long[]::new);
    return lockSession
        .get()
        .compose(session -> session.preparedQuery(MARK_PUBLISHED).execute(Tuple.of((Object) ids)))
        .mapEmpty();
  }

  private Future<Void> publishWatermarks(Instant asOf) {
    List<Future<?>> sends = new ArrayList<>();
    List<Future<List<PartitionInfo>>> lookups =
        topics.stream().map(producer::partitionsFor).toList();
    return Future.all(lookups)
        .compose(
            all -> {
              for (int i = 0; i < topics.size(); i++) {
                for (PartitionInfo partition : lookups.get(i).result()) {
                  sends.add(
                      producer.send(
                          CloudEventRecords.watermark(
                              config.source(), topics.get(i), partition.getPartition(), asOf)));
                }
              }
              return Future.all(sends);
            })
        .mapEmpty();
  }
}
