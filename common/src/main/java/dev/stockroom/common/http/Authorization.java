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
import java.util.Optional;
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

  /**
   * An operation that admits the {@code service} role names the services it admits ({@code
   * x-callers}): a service key signs only its own service's tokens, and a stolen one must not reach
   * what another service alone calls (inventory's key creating customers' credit holds).
   */
  static void requireCallersDeclared(Collection<Operation> operations) {
    List<String> undeclared =
        operations.stream()
            .filter(
                op ->
                    op.getExtensions().get("x-roles") instanceof JsonArray roles
                        && roles.contains("service")
                        && !(op.getExtensions().get("x-callers") instanceof JsonArray callers
                            && !callers.isEmpty()))
            .map(Operation::getOperationId)
            .sorted()
            .toList();
    if (!undeclared.isEmpty()) {
      throw new IllegalStateException(
          "operations that admit the service role without x-callers (the services they admit): "
              + undeclared);
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
      return callerAdmitted(user, operation);
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

  /** A token signed with a service's own key reaches only what its service is listed for. */
  private static Future<Void> callerAdmitted(User user, Operation operation) {
    Optional<String> service = Jwt.serviceKeyOf(user);
    if (service.isEmpty()
        || !(operation.getExtensions().get("x-callers") instanceof JsonArray callers)
        || callers.contains(service.get())) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(
        new HttpException(
            403,
            "This operation admits the services "
                + callers.stream().map(String::valueOf).toList()
                + "; the token speaks for "
                + service.get()));
  }
}
