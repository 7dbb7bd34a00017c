package dev.stockroom.orders;

import dev.stockroom.common.auth.ServiceTokens;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformDefaults;
import dev.stockroom.common.db.Migrations;
import dev.stockroom.common.http.HttpApiVerticle;
import dev.stockroom.common.kafka.TopicSpec;
import dev.stockroom.common.outbox.Outbox;
import dev.stockroom.common.outbox.OutboxRelayVerticle;
import dev.stockroom.common.replica.DeadLetterAdmin;
import dev.stockroom.common.replica.OwnerApi;
import dev.stockroom.common.replica.ReplicaProgress;
import dev.stockroom.common.replica.ReplicaRebuild;
import dev.stockroom.common.replica.ReplicaSchema;
import dev.stockroom.common.replica.ReplicaSettings;
import dev.stockroom.common.replica.ReplicaStore;
import dev.stockroom.common.replica.Replicas;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.common.service.ServiceRunner;
import dev.stockroom.common.service.ServiceSpec;
import dev.stockroom.orders.placing.OrderHandlers;
import dev.stockroom.orders.placing.OrderStore;
import dev.stockroom.orders.saga.SagaBacklogVerticle;
import dev.stockroom.orders.saga.SagaEngine;
import dev.stockroom.orders.saga.SagaMetrics;
import dev.stockroom.orders.saga.SagaOutcomes;
import dev.stockroom.orders.saga.SagaSettings;
import dev.stockroom.orders.saga.SagaWorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The orders service: places orders through a saga over inventory and users. */
public final class OrdersService {
  public static final String TOPIC = "orders.v1";

  /** orders' copy of its customers: only what an order records about them. */
  public static final ReplicaSchema CUSTOMERS =
      ReplicaSchema.of(
          "customer_replica",
          "users.v1",
          "stockroom.user.",
          List.of("name", "email"),
          "orders",
          new OwnerApi("/users", "users"));

  public static final ServiceSpec<OrdersConfig> SPEC =
      new ServiceSpec<>(
          "orders",
          8083,
          List.of(
              Migrations.service("db/migration/orders"),
              Outbox.MIGRATIONS,
              ReplicaSchema.MIGRATIONS),
          "openapi/orders.yaml",
          OrdersConfig::from,
          (platform, own) ->
              List.of(
                  Replicas.deadLetterTopic(platform, CUSTOMERS),
                  TopicSpec.deleting(
                      TOPIC,
                      own.topicPartitions(),
                      platform.topicReplicationFactor(),
                      Duration.ofDays(7).toMillis())),
          // POST /orders waits for its saga (up to ORDER_WAIT) inside the in-flight count while
          // holding no connection; with 68 in flight per event loop orders refused most of what
          // its pool could carry (177 confirmed/s against 294, history 2026-12-06 (night)).
          PlatformDefaults.STANDARD.withPgPoolWaitQueue(512));

  private OrdersService() {}

  public static void main(String[] args) {
    ServiceRunner.main(SPEC, OrdersService::deploy);
  }

  public static Future<RunningService> start(Env env) {
    return ServiceRunner.start(SPEC, env, OrdersService::deploy);
  }

  /** Background jobs first, the HTTP API last: at shutdown it is the first to stop. */
  static Future<?> deploy(ServiceContext ctx, OrdersConfig config) {
    SagaSettings saga = config.saga();
    ReplicaSettings replica = config.customers();
    ServiceTokens tokens = ServiceTokens.of(ctx);
    ReplicaProgress progress = new ReplicaProgress(ctx, CUSTOMERS);
    ReplicaStore customers = new ReplicaStore(ctx.pool(), CUSTOMERS);
    // One per process: every HTTP verticle instance answers for the same rebuild.
    ReplicaRebuild rebuild = new ReplicaRebuild(ctx, customers, replica);
    // Saga leases name their holder: one name per verticle instance of this process.
    String process = SPEC.name() + "-" + UUID.randomUUID();
    AtomicInteger instances = new AtomicInteger();
    Supplier<String> leaseOwner = () -> process + "-" + instances.incrementAndGet();
    SagaOutcomes outcomes = new SagaOutcomes(ctx.vertx());
    return ctx.deploy(() -> new OutboxRelayVerticle(ctx, config.relay(), Set.of(TOPIC)))
        .compose(id -> Replicas.deploySync(ctx, customers, replica, tokens, progress))
        .compose(
            v ->
                ctx.deploy(
                    () ->
                        new SagaBacklogVerticle(
                            ctx.pool(), ctx.metrics().registry(), Duration.ofSeconds(5))))
        .compose(
            v ->
                ctx.deploy(
                    () ->
                        new SagaWorkerVerticle(
                            () ->
                                new SagaEngine(
                                    ctx,
                                    saga,
                                    Replicas.reader(ctx, customers, replica, tokens, progress),
                                    tokens,
                                    outcomes,
                                    leaseOwner.get()),
                            saga.pollInterval())))
        .compose(
            id ->
                ctx.deploy(
                    () ->
                        new HttpApiVerticle(
                            ctx,
                            () -> {
                              String owner = leaseOwner.get();
                              SagaEngine engine =
                                  new SagaEngine(
                                      ctx,
                                      saga,
                                      Replicas.reader(ctx, customers, replica, tokens, progress),
                                      tokens,
                                      outcomes,
                                      owner);
                              OrderHandlers handlers =
                                  new OrderHandlers(
                                      new OrderStore(
                                          ctx.pool(),
                                          saga,
                                          owner,
                                          SagaMetrics.batchSizes(ctx.metrics().registry(), "place"),
                                          SagaMetrics.batchSizes(ctx.metrics().registry(), "read")),
                                      engine,
                                      outcomes,
                                      saga);
                              return new OrdersApi(
                                      ctx,
                                      handlers,
                                      new DeadLetterAdmin(ctx, customers, replica),
                                      rebuild)
                                  .routes();
                            }),
                    new DeploymentOptions().setInstances(ctx.config().httpInstances())));
  }
}
