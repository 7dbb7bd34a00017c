package dev.stockroom.users;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.http.HttpApiVerticle;
import dev.stockroom.common.kafka.TopicSpec;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.common.service.ServiceRunner;
import dev.stockroom.common.service.ServiceSpec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.util.List;

/** The users service: the single source of truth for people and their credit. */
public final class UsersService {
  public static final String TOPIC = "users.v1";

  public static final ServiceSpec SPEC =
      new ServiceSpec(
          "users",
          8081,
          "db/migration/users",
          "openapi/users.yaml",
          config ->
              List.of(
                  TopicSpec.compacted(
                      TOPIC,
                      config.env().intInRange("USERS_TOPIC_PARTITIONS", 6, 1, 1024),
                      (short) config.env().intInRange("KAFKA_REPLICATION_FACTOR", 1, 1, 5))));

  private UsersService() {}

  public static void main(String[] args) {
    ServiceRunner.main(SPEC, UsersService::deploy);
  }

  public static Future<RunningService> start(Env env) {
    return ServiceRunner.start(SPEC, env, UsersService::deploy);
  }

  static Future<?> deploy(ServiceContext ctx) {
    return ctx.deploy(
        () -> new HttpApiVerticle(ctx, () -> new UsersApi(ctx).routes()),
        new DeploymentOptions().setInstances(ctx.config().httpInstances()));
  }
}
