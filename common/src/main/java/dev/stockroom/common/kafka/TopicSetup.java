package dev.stockroom.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and checks a service's topics in the background, retrying with backoff for as long as it
 * takes: a broker outage during a rollout must not stop a service from serving its API (users'
 * writes wait in the outbox; replicas serve through the owner fallback or flagged stale). What
 * needs the topics — the outbox relay, dead-lettering — waits for {@link #ready()}, so no client
 * ever publishes to a topic the broker would auto-create with the wrong settings.
 */
public final class TopicSetup {
  private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
  private static final long MAX_BACKOFF_MS = 10_000;
  private static final long WARN_EVERY_MS = 30_000;

  private final Vertx vertx;
  private final KafkaConnection kafka;
  private final List<TopicSpec> specs;
  private final Promise<Void> ready = Promise.promise();
  private volatile String state = "waiting: topics not checked yet";
  private volatile boolean stopped;
  private long firstFailureNanos;
  private long lastWarningNanos;

  private TopicSetup(Vertx vertx, KafkaConnection kafka, List<TopicSpec> specs) {
    this.vertx = vertx;
    this.kafka = kafka;
    this.specs = specs;
  }

  /** Starts the first attempt now; {@link #ready()} completes once every topic is in place. */
  public static TopicSetup start(Vertx vertx, KafkaConnection kafka, List<TopicSpec> specs) {
    TopicSetup setup = new TopicSetup(vertx, kafka, specs);
    setup.attempt(0);
    return setup;
  }

  /** Completes once the topics exist with their settings; never fails. */
  public Future<Void> ready() {
    return ready.future();
  }

  /** {@code up}, or {@code waiting: <why>}: for the readiness body. */
  public String state() {
    return state;
  }

  /** No more attempts: the service is stopping. */
  public void stop() {
    stopped = true;
  }

  private void attempt(int failures) {
    if (stopped) {
      return;
    }
    Topics.ensure(vertx, kafka, specs)
        .onSuccess(
            v -> {
              if (failures > 0) {
                log.info("topics in place after {} failed attempts", failures);
              }
              state = "up";
              ready.tryComplete();
            })
        .onFailure(e -> retry(failures + 1, e));
  }

  private void retry(int failures, Throwable cause) {
    state = "waiting: " + cause.getMessage();
    long now = System.nanoTime();
    if (failures == 1) {
      firstFailureNanos = now;
    }
    if (failures == 1 || now - lastWarningNanos > WARN_EVERY_MS * 1_000_000) {
      lastWarningNanos = now;
      log.warn(
          "cannot set up topics yet ({} attempts in {} s), serving without them and retrying: {}",
          failures,
          (now - firstFailureNanos) / 1_000_000_000,
          cause.toString());
    }
    long delay = Math.min(MAX_BACKOFF_MS, 250L << Math.min(failures, 6));
    vertx.setTimer(delay, id -> attempt(failures));
  }
}
