package dev.stockroom.k8s;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The routes every service serves without auth (health, metrics, docs), as {@code HttpApi}
 * registers them, and which health route checks a dependency: the probes must point at them.
 */
final class PlatformRoutes {
  record Route(String path, String handler, boolean checksDependencies) {}

  private static final Path COMMON = K8sTree.REPO.resolve("common/src/main");

  private PlatformRoutes() {}

  private static final Pattern HEALTH_ROUTE =
      Pattern.compile(
          "router\\s*\\.\\s*get\\(\\s*\"(/health/[\\w-]+)\"\\s*\\)\\s*\\.\\s*handler\\(\\s*platform\\.health\\(\\)::(\\w+)\\)");
  private static final Pattern ROUTE =
      Pattern.compile("router\\s*\\.\\s*get\\(\\s*\"(/[\\w/.-]+)\"");

  /** The routes every service serves without auth, as HttpApi registers them. */
  static Map<String, Route> all() {
    String httpApi = K8sTree.read(COMMON.resolve("java/dev/stockroom/common/http/HttpApi.java"));
    String health = K8sTree.read(COMMON.resolve("java/dev/stockroom/common/health/Health.java"));
    Map<String, Route> routes = new TreeMap<>();
    Matcher r = ROUTE.matcher(httpApi);
    while (r.find()) {
      routes.put(r.group(1), new Route(r.group(1), null, false));
    }
    Matcher h = HEALTH_ROUTE.matcher(httpApi);
    while (h.find()) {
      String body = methodBody(health, h.group(2));
      // A check of a dependency goes through the pool (the database) or a helper that does.
      boolean checks = body.contains("database(") || body.contains("pool");
      routes.put(h.group(1), new Route(h.group(1), h.group(2), checks));
    }
    return routes;
  }

  private static String methodBody(String source, String method) {
    Matcher m =
        Pattern.compile("public\\s+void\\s+" + method + "\\s*\\([^)]*\\)\\s*\\{").matcher(source);
    if (!m.find()) {
      throw new IllegalStateException("Health." + method + " not found");
    }
    int depth = 1;
    int i = m.end();
    while (depth > 0) {
      char c = source.charAt(i++);
      depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    }
    return source.substring(m.end(), i - 1);
  }
}
