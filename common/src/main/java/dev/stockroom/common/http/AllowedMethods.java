package dev.stockroom.common.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code Allow} header of a 405 (RFC 9110 §15.5.6: the origin server MUST send it): the methods
 * the router serves on the request's path, HEAD wherever GET is (answered as GET).
 */
final class AllowedMethods {
  private record Path(Pattern pattern, Set<HttpMethod> methods) {}

  private final List<Path> paths = new ArrayList<>();

  private AllowedMethods(Router router) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      String regex =
          "^"
              + Pattern.quote(path)
                  .replaceAll(":[A-Za-z0-9_]+", "\\\\E[^/]+\\\\Q")
                  .replace("\\Q\\E", "")
              + "/?$";
      paths.add(new Path(Pattern.compile(regex), route.methods()));
    }
  }

  /** A 405 answered by {@code problems}, with the methods the path has. */
  static Handler<RoutingContext> answering(Router router, Handler<RoutingContext> problems) {
    AllowedMethods allowed = new AllowedMethods(router);
    return ctx -> {
      String allow = allowed.on(ctx.normalizedPath());
      if (!allow.isEmpty() && !ctx.response().headWritten()) {
        ctx.response().putHeader("Allow", allow);
      }
      problems.handle(ctx);
    };
  }

  String on(String path) {
    Set<String> methods = new TreeSet<>();
    for (Path p : paths) {
      if (p.pattern().matcher(path).matches()) {
        p.methods().forEach(m -> methods.add(m.name()));
      }
    }
    if (methods.contains("GET")) {
      methods.add("HEAD");
    }
    return String.join(", ", methods);
  }
}
