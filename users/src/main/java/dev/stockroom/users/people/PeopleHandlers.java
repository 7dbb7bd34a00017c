package dev.stockroom.users.people;

import dev.stockroom.common.http.Caller;
import dev.stockroom.common.http.HttpApi;
import dev.stockroom.common.http.Problem;
import dev.stockroom.common.http.Responses;
import dev.stockroom.common.replica.ConsistencyToken;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** HTTP handlers for people: register, read, batch and page, change, erase. */
public final class PeopleHandlers {
  private final UserStore store;

  public PeopleHandlers(UserStore store) {
    this.store = store;
  }

  public void create(RoutingContext ctx) {
    store
        .create(UserWrite.registration(ctx.body().asJsonObject()))
        .compose(user -> withToken(ctx, user))
        .onSuccess(user -> Responses.created(ctx, "/users/" + user.id(), withEtag(ctx, user)))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void get(RoutingContext ctx) {
    UUID id = UUID.fromString(ctx.pathParam("id"));
    Caller.requireSelfOr(ctx, id.toString(), "admin", "service");
    store
        .find(id)
        .map(user -> user.orElseThrow(() -> PersonRefusal.unknown(id)))
        .onSuccess(user -> Responses.ok(ctx, withEtag(ctx, user)))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  /** {@code ?ids=} is the batched lookup of the replicas' fallback; otherwise keyset paging. */
  public void list(RoutingContext ctx) {
    Map<String, RequestParameter> query = HttpApi.validated(ctx).getQuery();
    RequestParameter ids = query.get("ids");
    if (ids != null && !ids.isNull()) {
      batch(ctx, ids.getJsonArray());
      return;
    }
    int limit = query.get("limit").isNull() ? 100 : query.get("limit").getInteger();
    RequestParameter after = query.get("after");
    UUID cursor = after == null || after.isNull() ? null : UUID.fromString(after.getString());
    // The clock read first: the page is current at least as of then (a replica reconciling
    // from it stamps its rows with the owner's time, not its own).
    store
        .now()
        .compose(
            asOf ->
                store
                    .page(cursor, limit)
                    .map(
                        users ->
                            new JsonObject()
                                .put("users", json(users))
                                .put(
                                    "next",
                                    users.size() == limit
                                        ? users.get(users.size() - 1).id().toString()
                                        : null)
                                .put("asOf", asOf.toString())))
        .onSuccess(page -> Responses.ok(ctx, page))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  private void batch(RoutingContext ctx, JsonArray rawIds) {
    Set<UUID> wanted = new LinkedHashSet<>();
    rawIds.forEach(id -> wanted.add(UUID.fromString(String.valueOf(id))));
    store
        .findAll(List.copyOf(wanted))
        .onSuccess(
            answer -> {
              List<User> users = answer.users();
              Map<UUID, User> found =
                  users.stream().collect(Collectors.toMap(User::id, Function.identity()));
              List<String> missing =
                  wanted.stream().filter(id -> !found.containsKey(id)).map(UUID::toString).toList();
              Responses.ok(
                  ctx,
                  new JsonObject()
                      .put("users", json(users))
                      .put("missing", new JsonArray(missing))
                      .put("asOf", answer.readAt().toString()));
            })
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void patch(RoutingContext ctx) {
    UUID id = UUID.fromString(ctx.pathParam("id"));
    Caller.requireSelfOr(ctx, id.toString(), "admin");
    store
        .change(id, UserWrite.change(ctx.body().asJsonObject()), ifMatch(HttpApi.validated(ctx)))
        .compose(user -> withToken(ctx, user))
        .onSuccess(user -> Responses.ok(ctx, withEtag(ctx, user)))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  public void delete(RoutingContext ctx) {
    UUID id = UUID.fromString(ctx.pathParam("id"));
    store
        .delete(id)
        .compose(deleted -> withToken(ctx, deleted))
        .onSuccess(deleted -> Responses.noContent(ctx))
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  /**
   * The write has committed: the database clock read now is a point after it in commit order,
   * handed to the writer as {@value ConsistencyToken#HEADER}. A replica that has applied a
   * watermark at or past it has applied the write. Should the clock not answer, the write stands
   * and goes without a token.
   */
  private <T> Future<T> withToken(RoutingContext ctx, T result) {
    return store
        .now()
        .map(
            at -> {
              ctx.response().putHeader(ConsistencyToken.HEADER, new ConsistencyToken(at).encode());
              return result;
            })
        .otherwise(result);
  }

  private static VersionCondition ifMatch(ValidatedRequest request) {
    RequestParameter header = request.getHeaders().get("If-Match");
    return header == null || header.isNull()
        ? VersionCondition.NONE
        : VersionCondition.parse(header.getString());
  }

  private static JsonObject withEtag(RoutingContext ctx, User user) {
    ctx.response().putHeader("ETag", "\"" + user.version() + "\"");
    return user.toJson();
  }

  private static JsonArray json(List<User> users) {
    return new JsonArray(users.stream().map(User::toJson).toList());
  }

  /** Every refusal of a change to a person, as the contract answers it. */
  static Throwable problem(Throwable failure) {
    if (!(failure instanceof PersonRefusal refusal)) {
      return failure;
    }
    return switch (refusal.reason()) {
      case UNKNOWN_PERSON -> Problem.refused(refusal, 404);
      case VERSION_MISMATCH ->
          Problem.refused(refusal, 412, "version-mismatch", "Precondition failed");
      case EMAIL_TAKEN -> Problem.refused(refusal, 409, "email-taken", "Email taken");
    };
  }
}
