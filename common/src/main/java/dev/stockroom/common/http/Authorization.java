package dev.stockroom.common.http;

import dev.stockroom.common.auth.Jwt;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.contract.Operation;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Role checks declared in the OpenAPI document: an operation lists the roles it admits under {@code
 * x-roles}, so the contract is the one place that says who may call what. Checked after
 * authentication and before validation, so a caller without the role learns nothing about the
 * request's shape.
 */
final class Authorization {
  private Authorization() {}

  /**
   * Fails closed: an operation that does not say who may call it would be open to every
   * authenticated caller, so the service refuses to start instead.
   */
  static void requireRolesDeclared(Collection<Operation> operations) {
    List<String> undeclared =
        operations.stream()
            .filter(
                op ->
                    !(op.getExtensions().get("x-roles") instanceof JsonArray roles)
                        || roles.isEmpty())
            .map(Operation::getOperationId)
            .sorted()
            .toList();
    if (!undeclared.isEmpty()) {
      throw new IllegalStateException(
          "operations without x-roles (the roles that may call them): "
              + undeclared
              + "; every operation in the contract must declare them");
    }
  }

  static Future<Void> check(RoutingContext ctx, Operation operation) {
    Object declared = operation.getExtensions().get("x-roles");
    if (declared == null) {
      return Future.succeededFuture();
    }
    JsonArray allowed = (JsonArray) declared;
    User user = ctx.user();
    if (user != null && Jwt.hasAnyRole(user, allowed)) {
      return Future.succeededFuture();
    }
    Set<String> roles = user == null ? Set.of() : Jwt.roles(user);
    return Future.failedFuture(
        new HttpException(
            403,
            "This operation needs one of the roles "
                + allowed.stream().map(String::valueOf).toList()
                + "; the token has "
                + roles));
  }
}
