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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    from(ctx)
        .ifPresent(
            from ->
                read(from)
                    .map(read -> read.describe(listing(read.records())))
                    .onSuccess(body -> Responses.ok(ctx, body))
                    .onFailure(ctx::fail));
  }

  public void replay(RoutingContext ctx) {
    from(ctx)
        .ifPresent(
            from ->
                read(from)
                    .compose(read -> replay.replay(read.records()).map(read::describe))
                    .onSuccess(body -> Responses.ok(ctx, body))
                    .onFailure(ctx::fail));
  }

  /**
   * Where a request starts: {@code ?resumeAt=} (a previous answer's cursor: each partition's next
   * offset) or {@code ?since=} (a time), else the topic's start. Empty when malformed (then 400).
   */
  private static Optional<From> from(RoutingContext ctx) {
    String cursor = ctx.queryParams().get("resumeAt");
    if (cursor == null) {
      return since(ctx).map(since -> new From(since.orElse(null), null));
    }
    if (!cursor.matches("\\d{1,9}:\\d{1,18}(,\\d{1,9}:\\d{1,18}){0,999}")) {
      ctx.fail(
          Problem.badRequest(
              "query resumeAt", "resumeAt: expected a previous answer's resumeAt, such as 0:1234"));
      return Optional.empty();
    }
    Map<Integer, Long> next = new HashMap<>();
    for (String part : cursor.split(",")) {
      String[] pair = part.split(":");
      next.put(Integer.parseInt(pair[0]), Long.parseLong(pair[1]));
    }
    return Optional.of(new From(null, next));
  }

  /** A time to read from, or each partition's next offset (a partition not named: none left). */
  private record From(Instant since, Map<Integer, Long> resumeAt) {}

  /** {@code ?since=} as an instant; empty when it was malformed (then answered 400). */
  private static Optional<Optional<Instant>> since(RoutingContext ctx) {
    String raw = ctx.queryParams().get("since");
    if (raw == null) {
      return Optional.of(Optional.empty());
    }
    try {
      return Optional.of(Optional.of(Instant.parse(raw)));
    } catch (DateTimeParseException e) {
      ctx.fail(
          Problem.badRequest(
              "query since", "since: expected an ISO-8601 instant such as 2026-12-04T10:00:00Z"));
      return Optional.empty();
    }
  }

  /**
   * Kafka's timestamps are milliseconds since 1970, and it refuses a negative one (a 503 with its
   * message): an instant before 1970 asks for every record.
   */
  static long kafkaTimestamp(Instant since) {
    return Math.max(0, since.toEpochMilli());
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
   * reading. When it stopped before the end, {@code resumeAt} is each partition's next offset to
   * read (an offset, not a time: many records can share one millisecond), for the next request.
   */
  record Read(List<ConsumerRecord<String, byte[]>> records, String resumeAt) {
    JsonObject describe(JsonObject answer) {
      answer.put("complete", resumeAt == null).put("truncated", resumeAt != null);
      if (resumeAt != null) {
        answer.put("resumeAt", resumeAt);
      }
      return answer;
    }
  }

  /** Reads the dead-letter topic from {@code from} on a worker thread. */
  private Future<Read> read(From from) {
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
                if (from.resumeAt() != null) {
                  partitions.forEach(
                      p ->
                          consumer.seek(
                              p,
                              Math.min(
                                  end.get(p),
                                  from.resumeAt().getOrDefault(p.partition(), end.get(p)))));
                } else if (from.since() != null) {
                  Map<TopicPartition, Long> times = new HashMap<>();
                  partitions.forEach(p -> times.put(p, kafkaTimestamp(from.since())));
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
                return new Read(kept, resumeAt(partitions, end, consumer, records, kept.size()));
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
   * Null when every partition was read to its end and nothing read was left out; else every
   * partition's next offset: its first record left out, or where its reading stopped.
   */
  private static String resumeAt(
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> end,
      KafkaConsumer<String, byte[]> consumer,
      List<ConsumerRecord<String, byte[]>> polled,
      int kept) {
    Map<Integer, Long> firstLeftOut = new HashMap<>();
    for (int i = kept; i < polled.size(); i++) {
      firstLeftOut.putIfAbsent(polled.get(i).partition(), polled.get(i).offset());
    }
    boolean complete = true;
    StringBuilder cursor = new StringBuilder();
    for (TopicPartition p : partitions) {
      long next =
          firstLeftOut.getOrDefault(p.partition(), Math.min(consumer.position(p), end.get(p)));
      complete &= next >= end.get(p);
      cursor.append(cursor.length() == 0 ? "" : ",").append(p.partition()).append(':').append(next);
    }
    return complete ? null : cursor.toString();
  }

  static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
