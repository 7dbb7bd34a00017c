package dev.stockroom.orders;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.db.Migrations;
import dev.stockroom.common.http.HttpApiVerticle;
import dev.stockroom.common.kafka.TopicSpec;
import dev.stockroom.common.outbox.Outbox;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.common.service.ServiceRunner;
import dev.stockroom.common.service.ServiceSpec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/** The orders service: places orders through a saga over inventory and users. */
public final class OrdersService {
  public static final String TOPIC = "orders.v1";

  public static final ServiceSpec SPEC =
      new ServiceSpec(
          "orders",
          8083,
          List.of(Migrations.service("db/migration/orders"), Outbox.MIGRATIONS),
          "openapi/orders.yaml",
          config ->
              List.of(
                  TopicSpec.deleting(
                      TOPIC,
                      config.env().intInRange("ORDERS_TOPIC_PARTITIONS", 6, 1, 1024),
                      (short) config.env().intInRange("KAFKA_REPLICATION_FACTOR", 1, 1, 5),
                      Duration.ofDays(7).toMillis())));

  private OrdersService() {}

  public static void main(String[] args) {
    ServiceRunner.main(SPEC, OrdersService::deploy);
  }

  public static Future<RunningService> start(Env env) {
    return ServiceRunner.start(SPEC, env, OrdersService::deploy);
  }

  static Future<?> deploy(ServiceContext ctx) {
    return ctx.deploy(
        () -> new HttpApiVerticle(ctx, () -> new OrdersApi(ctx).routes()),
        new DeploymentOptions().setInstances(ctx.config().httpInstances()));
  }
}
