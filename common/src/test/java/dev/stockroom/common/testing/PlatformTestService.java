package dev.stockroom.common.testing;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.db.Migrations;
import dev.stockroom.common.http.HttpApi;
import dev.stockroom.common.http.HttpApiVerticle;
import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import dev.stockroom.common.kafka.TopicSpec;
import dev.stockroom.common.outbox.Outbox;
import dev.stockroom.common.outbox.OutboxEvent;
import dev.stockroom.common.outbox.OutboxRelayConfig;
import dev.stockroom.common.outbox.OutboxRelayVerticle;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.common.service.ServiceRunner;
import dev.stockroom.common.service.ServiceSpec;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A minimal service on the real platform, to test the platform without any domain. */
public final class PlatformTestService {
  public static final String TOPIC = "platform-test.compacted";

  public static final ServiceSpec<OutboxRelayConfig> SPEC =
      new ServiceSpec<>(
          "platformtest",
          0,
          List.of(Migrations.service("db/migration/platformtest"), Outbox.MIGRATIONS),
          "openapi/platform-test.yaml",
          (env, platform) -> OutboxRelayConfig.from(env, platform.serviceName()),
          (platform, relay) -> List.of(TopicSpec.compacted(TOPIC, 2, (short) 1)));

  private PlatformTestService() {}

  /** As a process of its own, configured by the environment (tests that send it signals). */
  public static void main(String[] args) {
    ServiceRunner.main(SPEC, PlatformTestService::deploy);
  }

  public static Future<RunningService> start(Map<String, String> env) {
    return ServiceRunner.start(SPEC, new Env(env), PlatformTestService::deploy);
  }

  private static Future<?> deploy(ServiceContext ctx, OutboxRelayConfig relay) {
    return ctx.deploy(() -> new OutboxRelayVerticle(ctx, relay, Set.of(TOPIC)))
        .compose(id -> ctx.deploy(() -> new HttpApiVerticle(ctx, () -> routes(ctx))));
  }

  private static Map<String, Handler<RoutingContext>> routes(ServiceContext ctx) {
    return Map.of(
        "createThing",
        rc -> {
          JsonObject body = rc.body().asJsonObject();
          ctx.pool()
              .withTransaction(
                  tx ->
                      tx.preparedQuery(
                              "INSERT INTO things (name, count) VALUES ($1, $2) RETURNING id")
                          .execute(Tuple.of(body.getString("name"), body.getInteger("count")))
                          .map(
                              rows ->
                                  body.copy().put("id", rows.iterator().next().getInteger("id")))
                          .compose(
                              thing ->
                                  Outbox.append(
                                          tx,
                                          new OutboxEvent(
                                              TOPIC,
                                              thing.getInteger("id").toString(),
                                              "platformtest.thing.created",
                                              thing))
                                      .map(thing)))
              .onSuccess(thing -> Responses.created(rc, "/things/" + thing.getInteger("id"), thing))
              .onFailure(rc::fail);
        },
        "getThing",
        rc -> {
          int id = HttpApi.validated(rc).getPathParameters().get("id").getInteger();
          ctx.pool()
              .preparedQuery("SELECT id, name, count FROM things WHERE id = $1")
              .execute(Tuple.of(id))
              .map(
                  rows -> {
                    if (rows.size() == 0) {
                      throw Problem.notFound("Thing " + id);
                    }
                    return rows.iterator().next().toJson();
                  })
              .onSuccess(json -> Responses.ok(rc, json))
              .onFailure(rc::fail);
        });
  }
}
