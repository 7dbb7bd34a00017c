package dev.stockroom.common.replica;

import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import dev.stockroom.common.kafka.KafkaSettings;
import dev.stockroom.common.service.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * The dead-letter topic for operators ({@code stockroom.jar dlq list|replay}): {@code GET
 * /admin/dlq} shows parked records with why they were parked; {@code POST /admin/dlq/replay}
 * applies them through the consumer's own path (parse, trust screen, version-guarded upsert) once
 * what made them poison is fixed — a limit raised, a bug deployed away. Replaying twice changes
 * nothing; what is still poison stays parked and is listed with its reason.
 */
public final class DeadLetterAdmin {
  private static final int LIMIT = 500;
  private static final Duration READ_FOR = Duration.ofSeconds(15);

  private final ServiceContext service;
  private final ReplicaStore store;
  private final DeadLetterReplay replay;

  public DeadLetterAdmin(ServiceContext service, ReplicaStore store, ReplicaSettings settings) {
    this.service = service;
    this.store = store;
    this.replay = new DeadLetterReplay(store, new ReplicaApplier(store, settings));
  }

  public void list(RoutingContext ctx) {
    since(ctx)
        .ifPresent(
            since ->
                read(since.orElse(null))
                    .map(read -> read.describe(listing(read.records())))
                    .onSuccess(body -> Responses.ok(ctx, body))
                    .onFailure(ctx::fail));
  }

  public void replay(RoutingContext ctx) {
    since(ctx)
        .ifPresent(
            since ->
                read(since.orElse(null))
                    .compose(read -> replay.replay(read.records()).map(read::describe))
                    .onSuccess(body -> Responses.ok(ctx, body))
                    .onFailure(ctx::fail));
  }

  /** {@code ?since=} as an instant; empty when it was malformed (then answered 400). */
  private static Optional<Optional<Instant>> since(RoutingContext ctx) {
    String raw = ctx.queryParams().get("since");
    if (raw == null) {
      return Optional.of(Optional.empty());
    }
    try {
      return Optional.of(Optional.of(Instant.parse(raw)));
    } catch (DateTimeParseException e) {
      ctx.fail(Problem.of(400, "since: expected an ISO-8601 instant such as 2026-12-04T10:00:00Z"));
      return Optional.empty();
    }
  }

  private JsonObject listing(List<ConsumerRecord<String, byte[]>> records) {
    JsonArray parked = new JsonArray();
    for (ConsumerRecord<String, byte[]> r : records) {
      String value = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
      parked.add(
          new JsonObject()
              .put("partition", r.partition())
              .put("offset", r.offset())
              .put("parkedAt", Instant.ofEpochMilli(r.timestamp()).toString())
              .put("key", r.key())
              .put("type", header(r, "ce_type"))
              .put("reason", header(r, "dlq_reason"))
              .put("source", header(r, "dlq_source"))
              .put(
                  "data",
                  value != null && value.length() > 4096 ? value.substring(0, 4096) : value));
    }
    return new JsonObject().put("topic", store.schema().dlqTopic()).put("records", parked);
  }

  /**
   * What one request read of the topic: at most {@value #LIMIT} records or {@code READ_FOR} of
   * reading. When it stopped before the end, {@code resumeSince} is where the next request starts
   * so that nothing is skipped: the earliest last-read time of the partitions not read to their end
   * (records from there on may be read twice; applying one twice changes nothing).
   */
  record Read(List<ConsumerRecord<String, byte[]>> records, Instant resumeSince) {
    JsonObject describe(JsonObject answer) {
      answer.put("complete", resumeSince == null).put("truncated", resumeSince != null);
      if (resumeSince != null) {
        answer.put("resumeSince", resumeSince.toString());
      }
      return answer;
    }
  }

  /** Reads the dead-letter topic (from {@code since}, else from its start) on a worker thread. */
  private Future<Read> read(Instant since) {
    String topic = store.schema().dlqTopic();
    Map<String, Object> config =
        new HashMap<>(
            KafkaSettings.reader(
                service.config().kafka(), service.config().serviceName() + "-dlq-admin"));
    return service
        .vertx()
        .executeBlocking(
            () -> {
              try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
                List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
                consumer.assign(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                consumer.seekToBeginning(partitions);
                if (since != null) {
                  Map<TopicPartition, Long> times = new HashMap<>();
                  partitions.forEach(p -> times.put(p, since.toEpochMilli()));
                  consumer
                      .offsetsForTimes(times)
                      .forEach(
                          (p, found) ->
                              consumer.seek(p, found == null ? end.get(p) : found.offset()));
                }
                List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
                long deadline = System.nanoTime() + READ_FOR.toNanos();
                while (records.size() < LIMIT
                    && System.nanoTime() < deadline
                    && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                  consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
                List<ConsumerRecord<String, byte[]>> kept =
                    records.size() > LIMIT ? records.subList(0, LIMIT) : records;
                return new Read(
                    kept, resumeSince(partitions, end, consumer, records, kept.size(), since));
              }
            },
            false)
        // Kafka away, or refused: the operator hears which, not an internal error.
        .recover(
            e ->
                Future.failedFuture(
                    Problem.of(503, "Reading " + topic + " failed: " + e.getMessage())));
  }

  /**
   * Null when every partition was read to its end and nothing read was left out; else the time to
   * read again from (a partition's first record left out, or its last one kept).
   */
  private static Instant resumeSince(
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> end,
      KafkaConsumer<String, byte[]> consumer,
      List<ConsumerRecord<String, byte[]>> polled,
      int kept,
      Instant since) {
    Map<TopicPartition, Instant> from = new HashMap<>();
    Set<TopicPartition> unfinished = new HashSet<>();
    for (int i = 0; i < polled.size(); i++) {
      ConsumerRecord<String, byte[]> r = polled.get(i);
      TopicPartition p = new TopicPartition(r.topic(), r.partition());
      if (unfinished.contains(p)) {
        continue;
      }
      from.put(p, Instant.ofEpochMilli(r.timestamp()));
      if (i >= kept) {
        unfinished.add(p);
      }
    }
    Instant resume = null;
    for (TopicPartition p : partitions) {
      if (unfinished.contains(p) || consumer.position(p) < end.get(p)) {
        Instant at = from.getOrDefault(p, since == null ? Instant.EPOCH : since);
        resume = resume == null || at.isBefore(resume) ? at : resume;
      }
    }
    return resume;
  }

  static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
