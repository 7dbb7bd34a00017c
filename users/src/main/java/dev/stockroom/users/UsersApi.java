package dev.stockroom.users;

import dev.stockroom.common.outbox.OutboxStatus;
import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.users.credit.CreditHandlers;
import dev.stockroom.users.credit.HoldBatches;
import dev.stockroom.users.credit.HoldStore;
import dev.stockroom.users.people.PeopleHandlers;
import dev.stockroom.users.people.UserStore;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** The route table: each OpenAPI operation of openapi/users.yaml and its handler. */
final class UsersApi {
  private final PeopleHandlers people;
  private final CreditHandlers credit;
  private final OutboxStatus outbox;

  UsersApi(ServiceContext ctx) {
    this.people = new PeopleHandlers(new UserStore(ctx.pool()));
    this.credit = new CreditHandlers(new HoldStore(ctx.pool()), new HoldBatches(ctx.pool()));
    this.outbox = new OutboxStatus(ctx.pool());
  }

  Map<String, Handler<RoutingContext>> routes() {
    return Map.ofEntries(
        Map.entry("createUser", people::create),
        Map.entry("getUser", people::get),
        Map.entry("listUsers", people::list),
        Map.entry("patchUser", people::patch),
        Map.entry("deleteUser", people::delete),
        Map.entry("createHold", credit::hold),
        Map.entry("getHold", credit::get),
        Map.entry("captureHold", credit::capture),
        Map.entry("releaseHold", credit::release),
        Map.entry("holdBatch", credit::holdBatch),
        Map.entry("captureHoldBatch", credit::captureBatch),
        Map.entry("getOutboxStatus", outbox::handle));
  }
}
