package dev.stockroom.users;

import dev.stockroom.common.outbox.OutboxStatus;
import dev.stockroom.common.service.ServiceContext;
import dev.stockroom.users.credit.CreditHandlers;
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
    this.credit = new CreditHandlers(new HoldStore(ctx.pool()));
    this.outbox = new OutboxStatus(ctx.pool());
  }

  Map<String, Handler<RoutingContext>> routes() {
    return Map.of(
        "createUser", people::create,
        "getUser", people::get,
        "listUsers", people::list,
        "patchUser", people::patch,
        "deleteUser", people::delete,
        "createHold", credit::hold,
        "captureHold", credit::capture,
        "releaseHold", credit::release,
        "getOutboxStatus", outbox::handle);
  }
}
