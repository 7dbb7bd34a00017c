package dev.stockroom.common.replica;

import dev.stockroom.common.kafka.KafkaConnection;
import dev.stockroom.common.kafka.KafkaSettings;
import dev.stockroom.common.replica.ReplicaEvent.Poison;
import dev.stockroom.common.replica.ReplicaEvent.Tombstone;
import dev.stockroom.common.replica.ReplicaEvent.Upsert;
import dev.stockroom.common.service.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the local copy in step with the owner's topic. An explicit poll loop: each polled batch is
 * applied in ONE transaction with the version-guarded upsert, and its offsets are committed only
 * after that commit; the next poll happens only then, which is the back-pressure. Poison records go
 * to the dead-letter topic first. If the database is down, the batch's partitions are sought back
 * and retried after a short backoff (far below max.poll.interval.ms, so no rebalance). Duplicates
 * and reordering are harmless: older versions never overwrite newer.
 */
public final class ReplicaConsumerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ReplicaConsumerVerticle.class);

  private final ServiceContext service;
  private final ReplicaStore store;
  private final ReplicaApplier applier;
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> deadLetters;
  private DeadLettering parking;
  private ReplicaMetrics metrics;
  private ReplicaSpans spans;
  private boolean stopped;
  private int failures;

  /** The poll-apply-commit in progress: stop waits for it, the consumer is not thread-safe. */
  private Future<Void> inFlight = Future.succeededFuture();

  /** One group per consuming service; overridable so tests (or a rebuild) start a fresh one. */
  private final String group;

  public ReplicaConsumerVerticle(
      ServiceContext service, ReplicaStore store, ReplicaSettings settings) {
    this.service = service;
    this.store = store;
    this.applier = new ReplicaApplier(store, settings);
    this.group = settings.groupId().orElse(store.schema().consumerGroup());
  }

  @Override
  public Future<?> start() {
    ReplicaSchema schema = store.schema();
    KafkaConnection kafka = service.config().kafka();
    consumer = KafkaConsumer.create(vertx, KafkaSettings.consumer(kafka, group, group));
    consumer.exceptionHandler(e -> log.warn("replica consumer: {}", e.toString()));
    deadLetters =
        KafkaProducer.create(vertx, KafkaSettings.producer(kafka, schema.consumerGroup() + "-dlq"));
    deadLetters.exceptionHandler(e -> log.debug("dead-letter producer: {}", e.toString()));
    parking =
        new DeadLettering(
            deadLetters, schema.dlqTopic(), () -> service.topics().ready().succeeded());
    metrics = new ReplicaMetrics(service.metrics().registry(), store, vertx, consumer.unwrap());
    spans = new ReplicaSpans(service.tracing().tracer(), group, schema.table());
    service.health().addCheck("replica " + schema.table(), metrics::state);
    consumer.partitionsAssignedHandler(this::expectWatermarks);
    return consumer.subscribe(schema.topic()).onSuccess(v -> vertx.runOnContext(x -> pollLoop()));
  }

  /** Partitions given to this instance hold back whole-copy claims until their first watermark. */
  private void expectWatermarks(Set<TopicPartition> assigned) {
    Set<Integer> partitions = new HashSet<>();
    assigned.forEach(p -> partitions.add(p.getPartition()));
    store
        .expectWatermarks(partitions)
        .onFailure(
            e ->
                log.warn(
                    "replica {}: partitions {} not recorded as awaiting a watermark: {}",
                    store.schema().table(),
                    partitions,
                    e.toString()));
  }

  private void pollLoop() {
    if (stopped) {
      return;
    }
    inFlight = consumer.poll(Duration.ofMillis(500)).compose(this::handle);
    inFlight.onComplete(
        (v, failure) -> {
          if (failure == null) {
            failures = 0;
            vertx.runOnContext(x -> pollLoop());
            return;
          }
          failures++;
          long delay = Math.min(5000, 100L << Math.min(failures, 6));
          if (failures == 1 || failures % 20 == 0) {
            log.warn(
                "replica apply failed ({} times), retrying in {} ms: {}",
                failures,
                delay,
                failure.toString());
          }
          vertx.setTimer(delay, id -> pollLoop());
        });
  }

  private Future<Void> handle(KafkaConsumerRecords<String, byte[]> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    List<KafkaConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      batch.add(records.recordAt(i));
    }
    // Parsed inside the chain: whatever fails, the batch is sought back and retried, never
    // skipped past.
    return Future.succeededFuture(batch)
        .map(b -> b.stream().map(r -> ReplicaEvent.parse(r, store.schema())).toList())
        .compose(this::screen)
        .compose(events -> applyAndCommit(batch, events))
        .recover(failure -> seekBack(batch).transform(x -> Future.failedFuture(failure)));
  }

  /** The batch as it will be applied: see {@link ReplicaTrust}. */
  private Future<ReplicaTrust.Screened> screen(List<ReplicaEvent> events) {
    return applier.screen(events).onSuccess(metrics::screened);
  }

  private Future<Void> applyAndCommit(
      List<KafkaConsumerRecord<String, byte[]>> batch, ReplicaTrust.Screened screened) {
    List<ReplicaEvent> events = screened.events();
    Set<UUID> heldBack = heldBack(batch, events, screened.stored());
    var traced = spans.start(batch);
    return parking
        .park(batch, events)
        .compose(v -> store.pool().withTransaction(tx -> applier.apply(tx, events, heldBack)))
        .compose(v -> consumer.commit(nextOffsets(batch)))
        .onSuccess(v -> parking.committed(batch))
        .<Void>mapEmpty()
        .onComplete((v, failure) -> ReplicaSpans.end(traced, failure))
        .onSuccess(v -> metrics.applied(events));
  }

  /**
   * The people whose latest change in the batch was parked (by its key, when that is an id as the
   * owner writes it): a later record of theirs in the batch makes them current again only when it
   * is newer than every version known before the parked one ({@code stored}, then the batch's). An
   * older one, such as a relay's republished duplicate, changes nothing in the copy and so cannot
   * have brought the parked change.
   */
  static Set<UUID> heldBack(
      List<KafkaConsumerRecord<String, byte[]>> batch,
      List<ReplicaEvent> events,
      Map<UUID, Long> stored) {
    Set<UUID> held = new HashSet<>();
    Map<UUID, Long> newest = new HashMap<>(stored);
    for (int i = 0; i < batch.size(); i++) {
      ReplicaEvent event = events.get(i);
      if (event instanceof Poison) {
        personOf(batch.get(i).key()).ifPresent(held::add);
      } else if (event instanceof Upsert u) {
        if (u.version() > newest.getOrDefault(u.id(), 0L)) {
          held.remove(u.id());
        }
        newest.merge(u.id(), u.version(), Math::max);
      } else if (event instanceof Tombstone t) {
        held.remove(t.id());
      }
    }
    return held;
  }

  static Optional<UUID> personOf(String key) {
    try {
      UUID id = key == null ? null : UUID.fromString(key);
      return id != null && id.toString().equals(key) ? Optional.of(id) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      List<KafkaConsumerRecord<String, byte[]>> batch) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (KafkaConsumerRecord<String, byte[]> r : batch) {
      offsets.put(
          new TopicPartition(r.topic(), r.partition()),
          new OffsetAndMetadata(r.offset() + 1, null));
    }
    return offsets;
  }

  /** Rewinds each partition of a failed batch to its first record, so nothing is skipped. */
  private Future<Void> seekBack(List<KafkaConsumerRecord<String, byte[]>> batch) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (KafkaConsumerRecord<String, byte[]> r : batch) {
      first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
    }
    List<Future<?>> seeks = new ArrayList<>();
    first.forEach((tp, offset) -> seeks.add(consumer.seek(tp, offset)));
    return Future.all(seeks).mapEmpty();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    metrics.close();
    // Bounded: a poll can sit in a rebalance, and the client's own close waits up to 30 s to
    // leave its group. The committed offsets are safe either way; the group notices the loss.
    return inFlight
        .timeout(2, TimeUnit.SECONDS)
        .transform(ignored -> consumer.close().timeout(3, TimeUnit.SECONDS))
        .eventually(() -> deadLetters.close(1000));
  }
}
