package dev.stockroom.common.replica;

import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import dev.stockroom.common.kafka.KafkaSettings;
import dev.stockroom.common.replica.ReplicaEvent.Poison;
import dev.stockroom.common.service.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.kafka.client.consumer.impl.KafkaConsumerRecordImpl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/replica/rebuild} ({@code stockroom.jar replica rebuild}): reads the owner's
 * compacted topic again from its start, up to where it ended when the rebuild began, and applies it
 * through the consumer's own path while the replica keeps serving and the live consumer keeps
 * running. Version-guarded upserts make it safe beside the live consumer: a row missing here comes
 * back, a row whose data differs from the owner's at the same version is rewritten, and nothing
 * moves backwards. Then the reconciler runs once, for what compaction no longer shows (people
 * deleted long ago). Progress is in {@code GET /admin/replica} of the instance that runs it.
 */
public final class ReplicaRebuild {
  private static final Logger log = LoggerFactory.getLogger(ReplicaRebuild.class);

  private final ServiceContext service;
  private final ReplicaStore store;
  private final ReplicaApplier applier;
  private final AtomicReference<JsonObject> state = new AtomicReference<>();

  public ReplicaRebuild(ServiceContext service, ReplicaStore store, ReplicaSettings settings) {
    this.service = service;
    this.store = store;
    this.applier = new ReplicaApplier(store, settings);
  }

  /** The last rebuild's progress on this instance, or null. */
  public JsonObject state() {
    JsonObject current = state.get();
    return current == null ? null : current.copy();
  }

  public void start(RoutingContext ctx) {
    JsonObject running = state.get();
    if (running != null && "running".equals(running.getString("state"))) {
      ctx.fail(
          Problem.of(
              409,
              "A rebuild is running on this instance since " + running.getString("startedAt")));
      return;
    }
    JsonObject begun =
        new JsonObject()
            .put("state", "running")
            .put("startedAt", Instant.now().toString())
            .put("read", 0)
            .put("applied", 0);
    state.set(begun);
    log.info(
        "replica rebuild of {} from {} started", store.schema().table(), store.schema().topic());
    run()
        .onSuccess(
            v -> {
              finish("done", null);
              log.info("replica rebuild of {} done: {}", store.schema().table(), state.get());
            })
        .onFailure(
            e -> {
              finish("failed", e.getMessage());
              log.warn("replica rebuild of {} failed: {}", store.schema().table(), e.toString());
            });
    Responses.json(ctx, 202, state());
  }

  private void finish(String outcome, String error) {
    state.updateAndGet(
        s ->
            s.copy()
                .put("state", outcome)
                .put("finishedAt", Instant.now().toString())
                .put("error", error));
  }

  private Future<Void> run() {
    String topic = store.schema().topic();
    Map<String, Object> config =
        new HashMap<>(
            KafkaSettings.reader(
                service.config().kafka(), service.config().serviceName() + "-replica-rebuild"));
    return service
        .vertx()
        .executeBlocking(
            () -> {
              KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config);
              try {
                List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                return new Reader(consumer, partitions, consumer.endOffsets(partitions));
              } catch (RuntimeException e) {
                consumer.close();
                throw e;
              }
            })
        .compose(
            reader ->
                step(reader)
                    .eventually(
                        () ->
                            service
                                .vertx()
                                .executeBlocking(
                                    () -> {
                                      reader.consumer.close();
                                      return null;
                                    })))
        .compose(v -> reconcile());
  }

  private record Reader(
      KafkaConsumer<String, byte[]> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> end) {}

  /** One poll and its batch, until every partition reached the offsets it had at the start. */
  private Future<Void> step(Reader reader) {
    return service
        .vertx()
        .executeBlocking(
            () -> {
              if (reader.partitions.stream()
                  .allMatch(p -> reader.consumer.position(p) >= reader.end.get(p))) {
                return null;
              }
              List<ReplicaEvent> events = new ArrayList<>();
              for (ConsumerRecord<String, byte[]> r :
                  reader.consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < reader.end.get(new TopicPartition(r.topic(), r.partition()))) {
                  events.add(ReplicaEvent.parse(new KafkaConsumerRecordImpl<>(r), store.schema()));
                }
              }
              return events;
            })
        .compose(
            events -> {
              if (events == null) {
                return Future.succeededFuture();
              }
              return apply(events).compose(v -> step(reader));
            });
  }

  private Future<Void> apply(List<ReplicaEvent> parsed) {
    List<ReplicaEvent> usable = parsed.stream().filter(e -> !(e instanceof Poison)).toList();
    return applier
        .screen(usable)
        .compose(
            screened -> {
              List<ReplicaEvent> apply =
                  screened.events().stream().filter(e -> !(e instanceof Poison)).toList();
              return store
                  .pool()
                  .withTransaction(tx -> applier.apply(tx, apply))
                  .onSuccess(
                      v ->
                          state.updateAndGet(
                              s ->
                                  s.copy()
                                      .put("read", s.getInteger("read") + parsed.size())
                                      .put("applied", s.getInteger("applied") + apply.size())));
            });
  }

  /** What compaction no longer shows: the reconciler compares with the owner once. */
  private Future<Void> reconcile() {
    return service
        .vertx()
        .eventBus()
        .<JsonObject>request(
            ReplicaReconcilerVerticle.ADDRESS,
            new JsonObject(),
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(120_000))
        .onSuccess(reply -> state.updateAndGet(s -> s.copy().put("reconciled", reply.body())))
        .mapEmpty();
  }
}
