package dev.stockroom.common.http;

import dev.stockroom.common.auth.Jwt;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Who is calling: the token's subject and roles, and the "privileged role or self" rule. */
public final class Caller {
  private Caller() {}

  public static String subject(RoutingContext ctx) {
    return ctx.user() == null ? null : ctx.user().subject();
  }

  /** The token's subject as a person's id; empty when it is none (a service, an operator). */
  public static Optional<UUID> personId(RoutingContext ctx) {
    String subject = subject(ctx);
    try {
      return subject == null ? Optional.empty() : Optional.of(UUID.fromString(subject));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public static Set<String> roles(RoutingContext ctx) {
    return ctx.user() == null ? Set.of() : Jwt.roles(ctx.user());
  }

  /**
   * Throws 403 unless the caller has one of the privileged roles or is the owner of the resource
   * (the token's {@code sub} equals {@code ownerId}).
   */
  public static void requireSelfOr(RoutingContext ctx, String ownerId, String... privileged) {
    Set<String> roles = roles(ctx);
    for (String role : privileged) {
      if (roles.contains(role)) {
        return;
      }
    }
    if (ownerId != null && ownerId.equalsIgnoreCase(subject(ctx))) {
      return;
    }
    throw Problem.of(
        403, "Only the owner of this resource or " + String.join("/", privileged) + " may do this");
  }
}
