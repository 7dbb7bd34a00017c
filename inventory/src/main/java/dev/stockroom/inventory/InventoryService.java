package dev.stockroom.inventory;

import dev.stockroom.common.auth.ServiceTokens;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformDefaults;
import dev.stockroom.common.db.Migrations;
import dev.stockroom.common.db.PlanCacheMode;
import dev.stockroom.common.http.HttpApiVerticle;
import dev.stockroom.common.jobs.ExpirySweeperVerticle;
import dev.stockroom.common.replica.DeadLetterAdmin;
import dev.stockroom.common.replica.OwnerApi;
import dev.stockroom.common.replica.ReplicaProgress;
import dev.stockroom.common.replica.ReplicaProjection;
import dev.stockroom.common.replica.ReplicaRebuild;
import dev.stockroom.common.replica.ReplicaSchema;
import dev.stockroom.common.replica.ReplicaSettings;
import dev.stockroom.common.replica.ReplicaStore;
import dev.stockroom.common.replica.Replicas;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.common.service.ServiceRunner;
import dev.stockroom.common.service.ServiceSpec;
import dev.stockroom.inventory.reservations.ReservationStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.util.List;

/** The inventory service: the owner of items and stock. */
public final class InventoryService {
  /** inventory's copy of users: only what the low-stock report and the restock audit show. */
  /** Each item's last stocker, projected onto the item row for the report's single scan. */
  public static final ReplicaProjection STOCKER =
      new ReplicaProjection("items", "sku", "last_stocked_by", "stocker_");

  public static final ReplicaSchema USERS =
      ReplicaSchema.of(
              "user_replica",
              "users.v1",
              "stockroom.user.",
              List.of("name", "email", "phone"),
              "inventory",
              new OwnerApi("/users", "users"))
          .withProjection(STOCKER);

  public static final ServiceSpec<InventoryConfig> SPEC =
      new ServiceSpec<>(
          "inventory",
          8082,
          List.of(Migrations.service("db/migration/inventory"), ReplicaSchema.MIGRATIONS),
          "openapi/inventory.yaml",
          InventoryConfig::from,
          (platform, own) -> List.of(Replicas.deadLetterTopic(platform, USERS)),
          // The report's plan is the same for every page; planning it per request doubled its cost.
          PlatformDefaults.STANDARD.withPlanCacheMode(PlanCacheMode.FORCE_GENERIC_PLAN));

  private InventoryService() {}

  public static void main(String[] args) {
    ServiceRunner.main(SPEC, InventoryService::deploy);
  }

  public static Future<RunningService> start(Env env) {
    return ServiceRunner.start(SPEC, env, InventoryService::deploy);
  }

  /** Background jobs first, the HTTP API last: at shutdown it is the first to stop. */
  static Future<?> deploy(ServiceContext ctx, InventoryConfig config) {
    ReplicaSettings replica = config.users();
    ServiceTokens tokens = ServiceTokens.of(ctx);
    ReplicaProgress progress = new ReplicaProgress(ctx, USERS);
    ReplicaStore store = new ReplicaStore(ctx.pool(), USERS);
    // One per process: every HTTP verticle instance answers for the same rebuild.
    ReplicaRebuild rebuild = new ReplicaRebuild(ctx, store, replica);
    return Replicas.deploySync(ctx, store, replica, tokens, progress)
        .compose(
            v ->
                ctx.deploy(
                    () ->
                        new ExpirySweeperVerticle(
                            ctx.pool(),
                            ctx.metrics().registry(),
                            config.reservationSweepInterval(),
                            config.commitmentRetention(),
                            new ReservationStore(ctx.pool()).expirySweep())))
        .compose(
            id ->
                ctx.deploy(
                    () ->
                        new HttpApiVerticle(
                            ctx,
                            () ->
                                new InventoryApi(
                                        ctx,
                                        Replicas.reader(ctx, store, replica, tokens, progress),
                                        replica.ttl(),
                                        new DeadLetterAdmin(ctx, store, replica),
                                        rebuild)
                                    .routes()),
                    new DeploymentOptions().setInstances(ctx.config().httpInstances())));
  }
}
