package dev.stockroom.users.people;

import dev.stockroom.common.http.Caller;
import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** HTTP handlers for people: registration and lookup. */
public final class PeopleHandlers {
  private final UserStore store;

  public PeopleHandlers(UserStore store) {
    this.store = store;
  }

  public void create(RoutingContext ctx) {
    store
        .create(NewUser.from(ctx.body().asJsonObject()))
        .onSuccess(user -> Responses.created(ctx, "/users/" + user.id(), user.toJson()))
        .onFailure(ctx::fail);
  }

  public void get(RoutingContext ctx) {
    UUID id = UUID.fromString(ctx.pathParam("id"));
    Caller.requireSelfOr(ctx, id.toString(), "admin", "service");
    store
        .find(id)
        .map(user -> user.orElseThrow(() -> Problem.notFound("User " + id)))
        .onSuccess(user -> Responses.ok(ctx, user.toJson()))
        .onFailure(ctx::fail);
  }
}
