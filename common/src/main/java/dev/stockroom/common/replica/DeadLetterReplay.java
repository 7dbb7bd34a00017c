package dev.stockroom.common.replica;

import dev.stockroom.common.replica.ReplicaEvent.Poison;
import dev.stockroom.common.replica.ReplicaEvent.Upsert;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.impl.KafkaConsumerRecordImpl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Parked records applied through the consumer's own path (parse, trust screen, version-guarded
 * upsert), once what made them poison is fixed. A record of a person the copy does not hold as live
 * is not applied: a deleted row's version guards nothing against a parked record that jumped past
 * it, and once the next reconciliation removed the row the copy cannot tell "never copied" from
 * "deleted since"; either way an old record would bring a deleted person back. Without a live row,
 * the owner answers that person's next read.
 */
final class DeadLetterReplay {
  private static final String NO_COPY =
      "no live copy of this person (deleted, or never copied): the owner answers their next read";

  private final ReplicaStore store;
  private final ReplicaApplier applier;

  DeadLetterReplay(ReplicaStore store, ReplicaApplier applier) {
    this.store = store;
    this.applier = applier;
  }

  Future<JsonObject> replay(List<ConsumerRecord<String, byte[]>> records) {
    List<ReplicaEvent> events = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> sources = new ArrayList<>();
    Parked stillParked = new Parked(records);
    for (ConsumerRecord<String, byte[]> r : records) {
      ReplicaEvent event = ReplicaEvent.parse(asFromSource(r), store.schema());
      if (event instanceof Poison poison) {
        stillParked.add(r, poison.reason());
      } else {
        events.add(event);
        sources.add(r);
      }
    }
    return ReplicaApplier.stored(events, store::liveVersions)
        .compose(versions -> apply(events, sources, versions, stillParked))
        .map(answer -> answer.put("read", records.size()));
  }

  /**
   * The records that stay parked, in the answer and as the people they leave behind: a person whose
   * latest replayed record is still parked has missed a change, so the partition their applied
   * records bring back must not vouch for them (as in the consumer).
   */
  private static final class Parked {
    private final List<ConsumerRecord<String, byte[]>> read;
    private final Set<ConsumerRecord<String, byte[]>> records =
        Collections.newSetFromMap(new IdentityHashMap<>());
    final JsonArray answer = new JsonArray();

    Parked(List<ConsumerRecord<String, byte[]>> read) {
      this.read = read;
    }

    void add(ConsumerRecord<String, byte[]> r, String reason) {
      records.add(r);
      answer.add(still(r, reason));
    }

    /** Each such person with their parked record's version (-1: it has none to read). */
    Map<UUID, Long> peopleLeftBehind() {
      Map<UUID, Long> held = new HashMap<>();
      for (ConsumerRecord<String, byte[]> r : read) {
        Optional<UUID> person = ReplicaConsumerVerticle.personOf(r.key());
        if (records.contains(r)) {
          person.ifPresent(id -> held.put(id, versionOf(r)));
        } else {
          person.ifPresent(held::remove);
        }
      }
      return held;
    }

    /**
     * Of the people left behind, those whose copy has not moved past the parked change since: a
     * replay over an old poison record must not take a person out of the watermarks' reach whose
     * copy has long gone on (every replay reads the records still parked again).
     */
    Future<Set<UUID>> stillBehind(ReplicaStore store) {
      Map<UUID, Long> left = peopleLeftBehind();
      if (left.isEmpty()) {
        return Future.succeededFuture(Set.of());
      }
      return store
          .versions(left.keySet())
          .map(
              stored -> {
                Set<UUID> behind = new HashSet<>();
                left.forEach(
                    (id, parked) -> {
                      Long copy = stored.get(id);
                      if (parked < 0 || copy == null || parked > copy) {
                        behind.add(id);
                      }
                    });
                return behind;
              });
    }

    private static long versionOf(ConsumerRecord<String, byte[]> r) {
      try {
        Object version =
            new JsonObject(new String(r.value(), StandardCharsets.UTF_8)).getValue("version");
        return version instanceof Number n ? n.longValue() : -1;
      } catch (RuntimeException e) {
        return -1;
      }
    }
  }

  private Future<JsonObject> apply(
      List<ReplicaEvent> events,
      List<ConsumerRecord<String, byte[]>> sources,
      Map<UUID, Long> stored,
      Parked stillParked) {
    JsonArray skipped = new JsonArray();
    List<ReplicaEvent> held = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> heldSources = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof Upsert u && !stored.containsKey(u.id())) {
        skipped.add(still(sources.get(i), NO_COPY));
      } else {
        held.add(events.get(i));
        heldSources.add(sources.get(i));
      }
    }
    return applier
        .screen(held)
        .compose(
            screened -> {
              // The screen answers one event per event given, in order.
              List<ReplicaEvent> apply = new ArrayList<>();
              for (int i = 0; i < screened.events().size(); i++) {
                ReplicaEvent e = screened.events().get(i);
                if (e instanceof Poison poison) {
                  stillParked.add(heldSources.get(i), poison.reason());
                } else {
                  apply.add(e);
                }
              }
              return stillParked
                  .stillBehind(store)
                  .compose(
                      behind ->
                          store.pool().withTransaction(tx -> applier.apply(tx, apply, behind)))
                  .map(
                      v ->
                          new JsonObject()
                              .put("applied", apply.size())
                              .put("skipped", skipped)
                              .put("stillParked", stillParked.answer));
            });
  }

  private static JsonObject still(ConsumerRecord<String, byte[]> r, String reason) {
    return new JsonObject()
        .put("partition", r.partition())
        .put("offset", r.offset())
        .put("key", r.key())
        .put("reason", reason);
  }

  /**
   * The parked record as it was on the owner's topic ({@code dlq_source}: topic-partition@offset),
   * so a replayed row belongs to the partition whose watermarks vouch for it.
   */
  private static KafkaConsumerRecord<String, byte[]> asFromSource(
      ConsumerRecord<String, byte[]> parked) {
    String source = DeadLetterAdmin.header(parked, "dlq_source");
    String topic = parked.topic();
    int partition = parked.partition();
    long offset = parked.offset();
    if (source != null && source.matches(".+-\\d+@\\d+")) {
      int at = source.lastIndexOf('@');
      int dash = source.lastIndexOf('-', at);
      topic = source.substring(0, dash);
      partition = Integer.parseInt(source.substring(dash + 1, at));
      offset = Long.parseLong(source.substring(at + 1));
    }
    RecordHeaders headers = new RecordHeaders();
    for (Header h : parked.headers()) {
      if (!h.key().startsWith("dlq_")) {
        headers.add(h);
      }
    }
    return new KafkaConsumerRecordImpl<>(
        new ConsumerRecord<>(
            topic,
            partition,
            offset,
            parked.timestamp(),
            parked.timestampType(),
            -1,
            -1,
            parked.key(),
            parked.value(),
            headers,
            Optional.empty()));
  }
}
