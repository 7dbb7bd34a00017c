package dev.stockroom.common.outbox;

import dev.stockroom.common.db.Database;
import dev.stockroom.common.service.ServiceContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox to Kafka. Every instance of the service runs one; only the holder of the
 * database's relay lock publishes, the others stand by and take over when it goes away. Each
 * leadership term has its own transactional producer, whose {@code initTransactions} fences the
 * previous leader's (same {@code transactional.id}). Cycles run one at a time, woken by NOTIFY
 * (sent only when the relay may be idle), by polling, by the watermark timer, and by themselves
 * after publishing ({@link RelayFollowUps}). While Kafka is down the cycles fail and back off;
 * writes keep committing to the outbox, and the backlog goes out when the broker returns.
 */
public final class OutboxRelayVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelayVerticle.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private final ServiceContext service;
  private final OutboxRelayConfig config;
  private final Set<String> topics;
  private Map<String, String> producerSettings;
  private Timer publishLatency;
  private OutboxBacklog backlog;
  private RelayLeadership leadership;
  private KafkaProducer<String, byte[]> producer;
  private OutboxPublisher publisher;
  private boolean running;
  private Future<?> inFlight = Future.succeededFuture();
  private boolean stopping;
  private boolean again;
  private boolean watermarkDue = true;
  private RelayFollowUps followUps;
  private final RelayRetries retries = new RelayRetries(System::nanoTime);

  /**
   * @param topics the service's event topics: every partition of each gets watermarks, and keys
   *     stay on the partitions pinned for it ({@link PartitionPins})
   */
  public OutboxRelayVerticle(ServiceContext service, OutboxRelayConfig config, Set<String> topics) {
    this.service = service;
    this.config = config;
    this.topics = Set.copyOf(topics);
  }

  @Override
  public Future<?> start() {
    followUps =
        new RelayFollowUps(
            vertx,
            () -> {
              watermarkDue = true;
              kick();
            },
            this::kick);
    producerSettings = RelayProducers.settings(service);
    MeterRegistry registry = service.metrics().registry();
    publishLatency =
        Timer.builder("outbox_publish_latency")
            .description("Time from the outbox write to the broker's acknowledgement")
            .publishPercentileHistogram()
            .register(registry);
    Counter leadershipFailures =
        Counter.builder("outbox_relay_leadership_failures_total")
            .description("Attempts to take or keep the relay lock that failed (not: lock held)")
            .register(registry);
    // A session that does not answer within this is given up, and publishing stops with it.
    Duration pingTimeout = Duration.ofSeconds(2);
    leadership =
        new RelayLeadership(
            vertx,
            RelayLeadership.sessionOptions(
                Database.connectOptions(service.config()), config.leaderRetry()),
            pingTimeout,
            leadershipFailures,
            this::leadershipChanged,
            this::notified);
    Gauge.builder("outbox_relay_leader", () -> leadership.isLeader() ? 1 : 0)
        .description("1 while this instance is the active outbox relay")
        .register(registry);
    backlog = new OutboxBacklog(service.pool(), registry);
    service.health().addCheck("outbox", this::state);

    vertx.setPeriodic(config.leaderRetry().toMillis(), id -> leadership.attempt());
    vertx.setPeriodic(config.pollInterval().toMillis(), id -> kick());
    vertx.setPeriodic(
        config.watermarkInterval().toMillis(),
        id -> {
          watermarkDue = true;
          kick();
        });
    long purgeEvery = Math.min(60_000, config.retention().toMillis() / 10);
    vertx.setPeriodic(Math.max(1000, purgeEvery), id -> purge());
    vertx.setPeriodic(5000, id -> backlog.measure());
    // Nothing is published before the topics exist: the broker might create them with defaults.
    service.topics().ready().onSuccess(v -> context.runOnContext(x -> kick()));
    return leadership.attempt().compose(v -> backlog.measure());
  }

  private void leadershipChanged(boolean leader) {
    if (leader) {
      openProducer();
      kick();
    } else {
      closeProducer();
    }
  }

  private void openProducer() {
    producer = KafkaProducer.create(vertx, producerSettings);
    producer.exceptionHandler(e -> log.debug("relay producer: {}", e.toString()));
    publisher =
        new OutboxPublisher(
            service.pool(),
            producer,
            leadership::session,
            config,
            topics,
            publishLatency,
            service.tracing().tracer());
  }

  /**
   * After a failed transaction the producer may be stuck mid-abort; a new one's initTransactions
   * aborts whatever the old one left open, whatever state it was in. (A failed initTransactions is
   * simply called again, as Kafka allows, and a failed pinning is retried alone: see {@link
   * OutboxPublisher#ready}.)
   */
  private void renewProducer() {
    closeProducer();
    if (leadership.isLeader()) {
      openProducer();
    }
  }

  /** A row was appended, or a write with nothing to append wants a watermark for its token. */
  private void notified(String payload) {
    if (Outbox.WATERMARK_WANTED.equals(payload)) {
      followUps.watermarkSoon();
    }
    kick();
  }

  private void kick() {
    if (stopping
        || publisher == null
        || !service.topics().ready().succeeded()
        || retries.waiting()) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    boolean watermark = watermarkDue;
    watermarkDue = false;
    OutboxPublisher current = publisher;
    inFlight =
        current
            .ready()
            .compose(v -> current.cycle(watermark))
            .onComplete(
                (cycle, failure) -> {
                  running = false;
                  if (failure != null) {
                    watermarkDue |= watermark;
                    if (current != publisher) {
                      // Its producer was closed under it (stopping, standing by): nothing to retry.
                      log.debug("relay cycle of a closed producer failed: {}", failure.toString());
                      return;
                    }
                    boolean inTransaction = failure instanceof OutboxPublisher.TransactionFailed;
                    if (RelayProducers.fenced(failure)) {
                      log.warn("another relay took over (this producer was fenced); standing by");
                      leadership.resign();
                    } else if (inTransaction) {
                      renewProducer();
                    }
                    retries.failed(inTransaction ? failure.getCause() : failure);
                    return;
                  }
                  retries.succeeded();
                  if (cycle.published()) {
                    followUps.published();
                  }
                  if (cycle.more() || cycle.published() || again) {
                    again = false;
                    kick();
                  } else {
                    followUps.idle();
                  }
                });
  }

  private Future<Void> closeProducer() {
    KafkaProducer<String, byte[]> p = producer;
    producer = null;
    publisher = null;
    if (p == null) {
      return Future.succeededFuture();
    }
    return p.close(500)
        .recover(
            e -> {
              log.debug("closing the relay producer: {}", e.toString());
              return Future.succeededFuture();
            });
  }

  private String state() {
    return (leadership.isLeader() ? "publishing" : "standby") + ", " + backlog;
  }

  private void purge() {
    if (!leadership.isLeader()) {
      return;
    }
    OutboxPurge.purge(service.pool(), config.retention())
        .onSuccess(n -> log.debug("purged {} published outbox records", n))
        .onFailure(e -> log.warn("outbox purge failed: {}", e.toString()));
  }

  /**
   * A cycle under way ends under the lock it began with, so the rows it sent are marked published
   * before the lock goes: a successor would publish them again (a rolling restart of a busy leader
   * put each event of its last batch on the topic twice). Waited for at most {@link #STOP_WAIT}
   * (the service's stop bounds the whole); the producer is closed before the lock goes, so a cycle
   * still running then cannot commit under a successor.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    Promise<Void> settled = Promise.promise();
    inFlight.onComplete(cycle -> settled.tryComplete());
    long timer =
        vertx.setTimer(
            STOP_WAIT.toMillis(),
            id -> {
              if (settled.tryComplete()) {
                log.warn("stopping while a relay cycle still runs after {}", STOP_WAIT);
              }
            });
    return settled
        .future()
        .compose(
            v -> {
              vertx.cancelTimer(timer);
              return closeProducer();
            })
        .compose(v -> leadership.stop());
  }
}
