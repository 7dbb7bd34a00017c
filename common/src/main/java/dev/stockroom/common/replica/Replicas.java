package dev.stockroom.common.replica;

import dev.stockroom.common.auth.ServiceTokens;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.kafka.TopicSpec;
import dev.stockroom.common.service.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;

/** Wiring a replica into a consuming service: its sync verticles, owner clients and topics. */
public final class Replicas {
  private Replicas() {}

  /**
   * The consumer that applies the owner's events, the periodic reconciliation (at once as well when
   * the replica's field list changed: the backfill), and {@code progress} (created once per process
   * with {@code new ReplicaProgress(ctx, schema)}), which wakes the reads that wait for a
   * consistency token.
   */
  public static Future<Void> deploySync(
      ServiceContext ctx,
      ReplicaStore store,
      ReplicaSettings settings,
      ServiceTokens tokens,
      ReplicaProgress progress) {
    Future<Void> projections = Future.succeededFuture();
    for (ReplicaProjection projection : store.schema().projections()) {
      projections = projections.compose(v -> projection.verify(ctx.pool(), store.schema()));
    }
    return projections
        .compose(v -> ReplicaFields.register(ctx.pool(), store.schema()))
        .compose(
            backfillPending ->
                ctx.deploy(() -> progress)
                    .compose(
                        id -> ctx.deploy(() -> new ReplicaConsumerVerticle(ctx, store, settings)))
                    .compose(
                        id ->
                            ctx.deploy(
                                () ->
                                    new ReplicaReconcilerVerticle(
                                        () ->
                                            new ReplicaReconciler(
                                                store,
                                                ownerClient(ctx, store.schema(), settings, tokens),
                                                ctx.metrics().registry()),
                                        settings.reconcileInterval(),
                                        backfillPending))))
        .mapEmpty();
  }

  /** A read API for one verticle instance: call it on that instance's event loop. */
  public static Replica reader(
      ServiceContext ctx,
      ReplicaStore store,
      ReplicaSettings settings,
      ServiceTokens tokens,
      ReplicaProgress progress) {
    return new Replica(store, ownerClient(ctx, store.schema(), settings, tokens), progress);
  }

  /** The dead-letter topic the consuming service owns for this replica. */
  public static TopicSpec deadLetterTopic(PlatformConfig config, ReplicaSchema schema) {
    return TopicSpec.deleting(
        schema.dlqTopic(), 1, config.topicReplicationFactor(), Duration.ofDays(14).toMillis());
  }

  private static OwnerClient ownerClient(
      ServiceContext ctx, ReplicaSchema schema, ReplicaSettings settings, ServiceTokens tokens) {
    return new OwnerClient(
        WebClient.create(
            ctx.vertx(),
            new WebClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(32)),
        settings,
        schema.owner(),
        tokens,
        ctx.downstreams(),
        ctx.metrics().registry());
  }
}
