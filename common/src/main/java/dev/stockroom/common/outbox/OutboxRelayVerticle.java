package dev.stockroom.common.outbox;

import dev.stockroom.common.kafka.KafkaSettings;
import dev.stockroom.common.service.ServiceContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox to Kafka. Every instance of the service runs one; only the holder of the
 * database's relay lock publishes, the others stand by and take over when it goes away. Cycles run
 * one at a time, woken by NOTIFY, by polling, and by the watermark timer. While Kafka is down the
 * cycles fail and back off; writes keep committing to the outbox, and the backlog goes out when the
 * broker returns.
 */
public final class OutboxRelayVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelayVerticle.class);
  private static final String PURGE =
      "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at <"
          + " clock_timestamp() - make_interval(secs => $1) LIMIT 10000)";
  private static final String BACKLOG =
      "SELECT count(*) AS backlog, coalesce(extract(epoch FROM clock_timestamp() -"
          + " min(created_at)), 0) AS oldest FROM outbox WHERE published_at IS NULL";

  private final ServiceContext service;
  private final OutboxRelayConfig config;
  private final Set<String> watermarkTopics;
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong oldestMillis = new AtomicLong();
  private KafkaProducer<String, byte[]> producer;
  private OutboxPublisher publisher;
  private RelayLeadership leadership;
  private boolean running;
  private boolean again;
  private boolean watermarkDue = true;
  private int failures;
  private long retryAfterNanos;

  /**
   * @param watermarkTopics the topics whose partitions get watermarks (the service's event topics)
   */
  public OutboxRelayVerticle(
      ServiceContext service, OutboxRelayConfig config, Set<String> watermarkTopics) {
    this.service = service;
    this.config = config;
    this.watermarkTopics = watermarkTopics;
  }

  @Override
  public Future<?> start() {
    Map<String, String> settings =
        KafkaSettings.producer(service.config().kafka(), service.config().serviceName() + "-relay");
    settings.put("max.block.ms", "10000");
    producer = KafkaProducer.create(vertx, settings);
    producer.exceptionHandler(e -> log.debug("relay producer: {}", e.toString()));
    MeterRegistry registry = service.metrics().registry();
    publisher = new OutboxPublisher(service.pool(), producer, config, watermarkTopics, registry);
    leadership =
        new RelayLeadership(
            vertx,
            PgConnectOptions.fromUri(service.config().pgUri().toString()),
            leader -> kick(),
            this::kick);
    Gauge.builder("outbox_relay_leader", () -> leadership.isLeader() ? 1 : 0)
        .description("1 while this instance is the active outbox relay")
        .register(registry);
    Gauge.builder("outbox_backlog", backlog, AtomicLong::get)
        .description("Outbox records not yet published")
        .register(registry);
    Gauge.builder("outbox_oldest_unpublished_seconds", oldestMillis, v -> v.get() / 1000.0)
        .description("Age of the oldest unpublished outbox record")
        .register(registry);

    service
        .health()
        .addCheck(
            "outbox",
            () ->
                (leadership.isLeader() ? "publishing" : "standby")
                    + ", backlog "
                    + backlog.get()
                    + ", oldest "
                    + oldestMillis.get() / 1000.0
                    + " s");
    vertx.setPeriodic(config.leaderRetry().toMillis(), id -> leadership.attempt());
    vertx.setPeriodic(config.pollInterval().toMillis(), id -> kick());
    vertx.setPeriodic(
        config.watermarkInterval().toMillis(),
        id -> {
          watermarkDue = true;
          kick();
        });
    vertx.setPeriodic(Math.max(1000, config.retention().toMillis() / 10), id -> purge());
    vertx.setPeriodic(5000, id -> measureBacklog());
    // Nothing is published before the topics exist: the broker might create them with defaults.
    service.topics().ready().onSuccess(v -> context.runOnContext(x -> kick()));
    return leadership.attempt().onSuccess(v -> measureBacklog());
  }

  private void kick() {
    if (!leadership.isLeader()
        || !service.topics().ready().succeeded()
        || System.nanoTime() < retryAfterNanos) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    boolean watermark = watermarkDue;
    watermarkDue = false;
    publisher
        .cycle(watermark)
        .onComplete(
            (more, failure) -> {
              running = false;
              if (failure != null) {
                watermarkDue |= watermark;
                backOff(failure);
                return;
              }
              failures = 0;
              retryAfterNanos = 0;
              if (more || again) {
                again = false;
                kick();
              }
            });
  }

  private void backOff(Throwable failure) {
    failures++;
    long delayMs = Math.min(5000, 100L << Math.min(failures, 6));
    retryAfterNanos = System.nanoTime() + delayMs * 1_000_000;
    if (failures == 1 || failures % 20 == 0) {
      log.warn(
          "outbox relay cannot publish ({} attempts so far), retrying: {}",
          failures,
          failure.toString());
    }
  }

  private void purge() {
    if (!leadership.isLeader()) {
      return;
    }
    service
        .pool()
        .preparedQuery(PURGE)
        .execute(Tuple.of((double) config.retention().toSeconds()))
        .onSuccess(rows -> log.debug("purged {} published outbox records", rows.rowCount()))
        .onFailure(e -> log.warn("outbox purge failed: {}", e.toString()));
  }

  private void measureBacklog() {
    service
        .pool()
        .query(BACKLOG)
        .execute()
        .onSuccess(
            rows -> {
              Row row = rows.iterator().next();
              backlog.set(row.getLong("backlog"));
              oldestMillis.set((long) (row.getNumeric("oldest").doubleValue() * 1000));
            })
        .onFailure(e -> log.debug("outbox backlog query failed: {}", e.toString()));
  }

  @Override
  public Future<?> stop() {
    return leadership.stop().eventually(() -> producer.close(2000));
  }
}
