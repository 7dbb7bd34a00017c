package dev.stockroom.inventory;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.db.Migrations;
import dev.stockroom.common.http.HttpApiVerticle;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.common.service.ServiceRunner;
import dev.stockroom.common.service.ServiceSpec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.util.List;

/** The inventory service: the owner of items and stock. */
public final class InventoryService {
  public static final ServiceSpec SPEC =
      new ServiceSpec(
          "inventory",
          8082,
          List.of(Migrations.service("db/migration/inventory")),
          "openapi/inventory.yaml",
          config -> List.of());

  private InventoryService() {}

  public static void main(String[] args) {
    ServiceRunner.main(SPEC, InventoryService::deploy);
  }

  public static Future<RunningService> start(Env env) {
    return ServiceRunner.start(SPEC, env, InventoryService::deploy);
  }

  static Future<?> deploy(ServiceContext ctx) {
    return ctx.deploy(
        () -> new HttpApiVerticle(ctx, () -> new InventoryApi(ctx).routes()),
        new DeploymentOptions().setInstances(ctx.config().httpInstances()));
  }
}
