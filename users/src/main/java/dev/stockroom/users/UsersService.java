package dev.stockroom.users;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.db.Migrations;
import dev.stockroom.common.http.HttpApiVerticle;
import dev.stockroom.common.jobs.ExpirySweeperVerticle;
import dev.stockroom.common.kafka.TopicSpec;
import dev.stockroom.common.outbox.Outbox;
import dev.stockroom.common.outbox.OutboxRelayVerticle;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.common.service.ServiceRunner;
import dev.stockroom.common.service.ServiceSpec;
import dev.stockroom.users.credit.HoldStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/** The users service: the single source of truth for people and their credit. */
public final class UsersService {
  public static final String TOPIC = "users.v1";

  public static final ServiceSpec<UsersConfig> SPEC =
      new ServiceSpec<>(
          "users",
          8081,
          List.of(Migrations.service("db/migration/users"), Outbox.MIGRATIONS),
          "openapi/users.yaml",
          UsersConfig::from,
          (platform, own) ->
              List.of(
                  TopicSpec.compacted(
                      TOPIC, own.topicPartitions(), platform.topicReplicationFactor())));

  private UsersService() {}

  public static void main(String[] args) {
    ServiceRunner.main(SPEC, UsersService::deploy);
  }

  public static Future<RunningService> start(Env env) {
    return ServiceRunner.start(SPEC, env, UsersService::deploy);
  }

  /** Background jobs first, the HTTP API last: at shutdown it is the first to stop. */
  static Future<?> deploy(ServiceContext ctx, UsersConfig config) {
    return ctx.deploy(() -> new OutboxRelayVerticle(ctx, config.relay(), Set.of(TOPIC)))
        .compose(
            id ->
                ctx.deploy(
                    () ->
                        new ExpirySweeperVerticle(
                            ctx.pool(),
                            ctx.metrics().registry(),
                            config.holdSweepInterval(),
                            config.commitmentRetention(),
                            new HoldStore(ctx.pool()).expirySweep())))
        .compose(
            id ->
                ctx.deploy(
                    () -> new HttpApiVerticle(ctx, () -> new UsersApi(ctx).routes()),
                    new DeploymentOptions().setInstances(ctx.config().httpInstances())));
  }
}
