package dev.stockroom.common.replica;

import dev.stockroom.common.replica.ReplicaEvent.Poison;
import dev.stockroom.common.replica.ReplicaEvent.Tombstone;
import dev.stockroom.common.replica.ReplicaEvent.Upsert;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sync path reports: events applied and dead-lettered, apply lag (owner's write to applied
 * here) and, per partition, the freshness bound (how far behind the newest watermark is).
 */
final class ReplicaMetrics {
  private static final Logger log = LoggerFactory.getLogger(ReplicaMetrics.class);
  private final MeterRegistry registry;
  private final Counter applied;
  private final Counter deadLettered;
  private final Counter futureWatermarks;
  private final Counter futureTimes;
  private final Counter versionJumps;
  private final Timer lag;
  private final Map<Integer, AtomicLong> boundMillis = new ConcurrentHashMap<>();
  private final Map<String, LagGauge> lagRecords = new ConcurrentHashMap<>();

  private record LagGauge(AtomicLong value, Gauge gauge) {}

  private final Consumer<?, ?> kafkaConsumer;
  private final Vertx vertx;
  private final long timer;

  ReplicaMetrics(
      MeterRegistry registry, ReplicaStore store, Vertx vertx, Consumer<?, ?> kafkaConsumer) {
    this.registry = registry;
    this.vertx = vertx;
    this.kafkaConsumer = kafkaConsumer;
    String table = store.schema().table();
    applied =
        Counter.builder("replica_events_applied_total")
            .description("Owner events applied to the local copy (upserts and tombstones)")
            .tag("replica", table)
            .register(registry);
    deadLettered =
        Counter.builder("replica_events_dead_lettered_total")
            .description("Records parked in the dead-letter topic instead of being applied")
            .tag("replica", table)
            .register(registry);
    futureWatermarks = untrusted(table, "watermark-from-the-future");
    futureTimes = untrusted(table, "time-from-the-future");
    versionJumps = untrusted(table, "version-jump");
    lag =
        Timer.builder("replica_apply_lag")
            .description("From the owner's change to its application in the local copy")
            .tag("replica", table)
            .publishPercentileHistogram()
            .register(registry);
    timer =
        vertx.setPeriodic(
            1000,
            id -> {
              measureLag(table);
              store
                  .watermarks()
                  .onSuccess(
                      marks ->
                          marks.forEach(
                              (p, w) ->
                                  bound(table, p)
                                      .set(Duration.between(w, Instant.now()).toMillis())));
            });
  }

  /**
   * Records the consumer still has to read, per partition: the Kafka client's own {@code
   * records-lag} (its metrics map is safe to read from any thread). Unknown until a partition's
   * first fetch. A partition the client no longer reports (assigned to another instance) loses its
   * gauge: its last value would otherwise stay, and alert, for good.
   */
  private void measureLag(String table) {
    Set<String> held = new HashSet<>();
    for (Map.Entry<MetricName, ? extends Metric> m : kafkaConsumer.metrics().entrySet()) {
      MetricName name = m.getKey();
      String partition = name.tags().get("partition");
      if (!name.name().equals("records-lag")
          || !name.group().equals("consumer-fetch-manager-metrics")
          || partition == null
          || !(m.getValue().metricValue() instanceof Double lag)
          || lag.isNaN()) {
        continue;
      }
      held.add(partition);
      lagRecords.computeIfAbsent(partition, p -> lagGauge(table, p)).value().set(lag.longValue());
    }
    lagRecords
        .entrySet()
        .removeIf(
            e -> {
              boolean gone = !held.contains(e.getKey());
              if (gone) {
                registry.remove(e.getValue().gauge());
              }
              return gone;
            });
  }

  private LagGauge lagGauge(String table, String partition) {
    AtomicLong value = new AtomicLong();
    Gauge gauge =
        Gauge.builder("replica_consumer_lag_records", value, AtomicLong::get)
            .description("Records of the owner's topic this replica has not read yet")
            .tag("replica", table)
            .tag("partition", partition)
            .register(registry);
    return new LagGauge(value, gauge);
  }

  private Counter untrusted(String table, String reason) {
    return Counter.builder("replica_untrusted_events_total")
        .description(
            "Events not taken at their word: watermarks from the future ignored, event times from"
                + " the future clamped, version jumps dead-lettered")
        .tag("replica", table)
        .tag("reason", reason)
        .register(registry);
  }

  void screened(ReplicaTrust.Screened screened) {
    futureWatermarks.increment(screened.ignoredWatermarks());
    futureTimes.increment(screened.clampedTimes());
    versionJumps.increment(screened.versionJumps());
    for (ReplicaEvent event : screened.events()) {
      if (event instanceof ReplicaEvent.Rejected rejected) {
        log.warn("ignored: {}", rejected.reason());
      }
    }
  }

  /** For the readiness body: the stalest partition's freshness bound, from memory. */
  String state() {
    return boundMillis.isEmpty()
        ? "no watermark applied yet"
        : "freshness bound "
            + boundMillis.values().stream().mapToLong(AtomicLong::get).max().orElse(0) / 1000.0
            + " s";
  }

  private AtomicLong bound(String table, int partition) {
    return boundMillis.computeIfAbsent(
        partition,
        p -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder("replica_freshness_bound_seconds", value, v -> v.get() / 1000.0)
              .description(
                  "Age of the newest applied watermark: every row of the partition is at least this fresh")
              .tag("replica", table)
              .tag("partition", Integer.toString(p))
              .register(registry);
          return value;
        });
  }

  void applied(List<ReplicaEvent> events) {
    Instant now = Instant.now();
    for (ReplicaEvent event : events) {
      if (event instanceof Upsert u) {
        applied.increment();
        lag.record(Duration.between(u.time(), now));
      } else if (event instanceof Tombstone) {
        applied.increment();
      } else if (event instanceof Poison) {
        deadLettered.increment();
      }
    }
  }

  void close() {
    vertx.cancelTimer(timer);
  }
}
