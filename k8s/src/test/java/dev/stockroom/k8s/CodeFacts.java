package dev.stockroom.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the services' source code says, read from the sources (not copied into the tests): each
 * service's name and default port, the routes the HTTP platform registers, the environment
 * variables each service reads (through {@code Env} or logback) with their defaults and parsers,
 * which variables have no usable default in production, which services call which, and the Kafka
 * topics the code creates. A service reads the variables of its own sources plus those of the
 * {@code common} classes it uses (followed transitively by class name).
 */
final class CodeFacts {
  /** How a variable is read: the {@code Env} accessor, or {@code logback} / {@code jvm}. */
  record EnvRead(String name, String accessor, List<String> args, String file) {
    /** The default argument as written, if the accessor takes one. */
    Optional<String> defaultExpr() {
      return switch (accessor) {
        case "optional", "required", "logback", "jvm" -> Optional.empty();
        default -> args.size() > 1 ? Optional.of(args.get(1)) : Optional.empty();
      };
    }
  }

  record Route(String path, String handler, boolean checksDependencies) {}

  record ServiceCode(
      String name,
      int defaultPort,
      Map<String, EnvRead> reads,
      Set<String> requiredAlone,
      List<Set<String>> requiredOneOf,
      Set<String> calls) {}

  static final Path COMMON = K8sTree.REPO.resolve("common/src/main");

  private static final Pattern SPEC =
      Pattern.compile("new\\s+ServiceSpec(?:<>)?\\(\\s*\"(\\w+)\"\\s*,\\s*(\\d+)\\s*,");
  private static final Pattern ENV_CALL =
      Pattern.compile(
          "\\benv(?:\\(\\))?\\s*\\.\\s*(string|duration|port|intInRange|uri|optional|required|hostPorts|oneOf|pem)\\(");
  private static final Pattern HELPER_CALL =
      Pattern.compile("\\(\\s*env\\s*,\\s*\"([A-Z][A-Z0-9_]*)\"\\s*,");
  private static final Pattern LOGBACK_VAR = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):-([^}]*)}");
  private static final Pattern CLASS_NAME = Pattern.compile("\\b([A-Z][A-Za-z0-9]+)\\b");
  private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern ENV_NAME = Pattern.compile("\\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\\b");

  private static final Map<String, String> COMMON_CLASSES = commonClasses();

  private CodeFacts() {}

  /** The three services, by name, from their {@code ServiceSpec}s. */
  static Map<String, ServiceCode> services() {
    Map<String, ServiceCode> services = new TreeMap<>();
    for (String module : List.of("users", "inventory", "orders")) {
      ServiceCode service = service(module);
      services.put(service.name(), service);
    }
    return services;
  }

  static ServiceCode service(String module) {
    Map<String, String> own = javaSources(K8sTree.REPO.resolve(module).resolve("src/main/java"));
    String all = String.join("\n", own.values());
    Matcher spec = SPEC.matcher(all);
    if (!spec.find()) {
      throw new IllegalStateException(module + ": no `new ServiceSpec(\"name\", port, ...)` found");
    }
    Map<String, String> sources = new LinkedHashMap<>(own);
    usedCommonClasses(all).forEach(c -> sources.put(c, COMMON_CLASSES.get(c)));

    Map<String, EnvRead> reads = new TreeMap<>();
    List<String> accessorsOnVariables = new ArrayList<>();
    sources.forEach(
        (file, text) -> {
          Matcher m = ENV_CALL.matcher(text);
          while (m.find()) {
            List<String> args = arguments(text, m.end() - 1);
            String first = args.isEmpty() ? "" : args.get(0);
            if (first.matches("\"[A-Z][A-Z0-9_]*\"")) {
              String name = first.substring(1, first.length() - 1);
              reads.putIfAbsent(name, new EnvRead(name, m.group(1), args, file));
            } else {
              accessorsOnVariables.add(m.group(1));
            }
          }
        });
    // Helpers that take (env, "NAME", default) read NAME with the one accessor the code applies
    // to a variable name (ReplicaSettings.from, SagaSettings.url: env.uri(name, default, ...)).
    sources.forEach(
        (file, text) -> {
          Matcher m = HELPER_CALL.matcher(text);
          while (m.find()) {
            List<String> args = arguments(text, m.start());
            Set<String> kinds = new LinkedHashSet<>(accessorsOnVariables);
            if (kinds.size() != 1) {
              throw new IllegalStateException(
                  file + ": cannot tell how " + m.group(1) + " is parsed: " + kinds);
            }
            List<String> shifted = new ArrayList<>(args.subList(1, args.size()));
            shifted.addAll(uriSchemes(sources));
            reads.putIfAbsent(
                m.group(1), new EnvRead(m.group(1), kinds.iterator().next(), shifted, file));
          }
        });
    String logback = K8sTree.read(COMMON.resolve("resources/logback.xml"));
    Matcher lb = LOGBACK_VAR.matcher(logback);
    while (lb.find()) {
      reads.putIfAbsent(
          lb.group(1), new EnvRead(lb.group(1), "logback", List.of(lb.group(2)), "logback.xml"));
    }

    Set<String> requiredAlone = new LinkedHashSet<>();
    for (EnvRead read : reads.values()) {
      if (read.accessor().equals("required")) {
        requiredAlone.add(read.name());
      }
      read.defaultExpr()
          .ifPresent(
              expr -> {
                String resolved = resolve(expr, sources.get(read.file()));
                // No usable default in a pod: none in production (null), or one that points at
                // the pod itself (localhost), where no Kafka, PostgreSQL or peer service runs.
                if (resolved.contains("localhost") || resolved.matches(".*\\bnull\\b.*")) {
                  requiredAlone.add(read.name());
                }
              });
    }
    List<Set<String>> oneOf = requiredGroups(sources, reads.keySet());

    Set<String> calls = new TreeSet<String>();
    for (String other : List.of("users", "inventory", "orders")) {
      if (reads.containsKey(other.toUpperCase(Locale.ROOT) + "_URL")) {
        calls.add(other);
      }
    }
    return new ServiceCode(
        spec.group(1), Integer.parseInt(spec.group(2)), reads, requiredAlone, oneOf, calls);
  }

  /**
   * Groups of variables of which at least one must be set, from the code's own error messages: a
   * {@code ConfigException} whose text says "... is required" and names variables the code reads
   * (e.g. "JWT_PUBLIC_KEY (RS256, PEM) or JWT_SECRET (...) is required outside dev mode", or
   * "SERVICE_TOKEN is required ... when this service has no signing key (JWT_SECRET or
   * JWT_PRIVATE_KEY)"); a name followed by "is not" is the rule's condition, not an option.
   */
  private static List<Set<String>> requiredGroups(Map<String, String> sources, Set<String> known) {
    List<Set<String>> groups = new ArrayList<>();
    for (String text : sources.values()) {
      int at = 0;
      while ((at = text.indexOf("new ConfigException(", at)) >= 0) {
        List<String> args = arguments(text, at + "new ConfigException".length());
        at++;
        StringBuilder message = new StringBuilder();
        Matcher literal = STRING_LITERAL.matcher(args.isEmpty() ? "" : args.get(0));
        while (literal.find()) {
          message.append(literal.group(1));
        }
        if (!message.toString().contains("is required")) {
          continue;
        }
        Set<String> names = new LinkedHashSet<>();
        Matcher name = ENV_NAME.matcher(message);
        while (name.find()) {
          // "(STOCKROOM_ENV is not 'dev')" states when the rule applies; it provides nothing.
          boolean condition = message.toString().startsWith(" is not", name.end());
          if (known.contains(name.group()) && !condition) {
            names.add(name.group());
          }
        }
        if (!names.isEmpty()) {
          groups.add(names);
        }
      }
    }
    return groups;
  }

  /** A default given as a local name ({@code defaultPg}) is resolved to its declaration. */
  private static String resolve(String expr, String source) {
    if (expr.matches("[a-z]\\w*") && source != null) {
      Matcher m = Pattern.compile("\\b" + expr + "\\s*=\\s*([^;]+);").matcher(source);
      if (m.find()) {
        return m.group(1);
      }
    }
    return expr;
  }

  /** The schemes {@code env.uri(variable, default, schemes...)} accepts for helper-read URLs. */
  private static List<String> uriSchemes(Map<String, String> sources) {
    for (String text : sources.values()) {
      Matcher m = Pattern.compile("\\benv\\.uri\\(\\s*[a-z]\\w*\\s*,").matcher(text);
      if (m.find()) {
        List<String> args = arguments(text, text.indexOf('(', m.start()));
        return args.subList(2, args.size());
      }
    }
    return List.of();
  }

  /** The classes of {@code common} a service's code uses, directly or through other classes. */
  private static Set<String> usedCommonClasses(String serviceCode) {
    Set<String> used = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(referencedCommonClasses(serviceCode));
    while (!todo.isEmpty()) {
      String c = todo.pop();
      if (used.add(c)) {
        todo.addAll(referencedCommonClasses(COMMON_CLASSES.get(c)));
      }
    }
    return used;
  }

  private static Set<String> referencedCommonClasses(String code) {
    Set<String> found = new LinkedHashSet<>();
    Matcher m = CLASS_NAME.matcher(stripComments(code));
    while (m.find()) {
      if (COMMON_CLASSES.containsKey(m.group(1))) {
        found.add(m.group(1));
      }
    }
    return found;
  }

  private static Map<String, String> commonClasses() {
    Map<String, String> classes = new TreeMap<>();
    javaSources(COMMON.resolve("java"))
        .forEach(
            (file, text) -> {
              String simple = Path.of(file).getFileName().toString().replace(".java", "");
              // The embedded brokers and databases are for tests and the launcher, not services.
              if (!file.contains("/embedded/")) {
                classes.put(simple, text);
              }
            });
    return classes;
  }

  static Map<String, String> javaSources(Path root) {
    Map<String, String> sources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(p -> p.toString().endsWith(".java"))
          .forEach(p -> sources.put(p.toString(), K8sTree.read(p)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sources;
  }

  /** The comma-separated arguments of the call whose '(' is at {@code open}. */
  static List<String> arguments(String text, int open) {
    List<String> args = new ArrayList<>();
    int depth = 0;
    StringBuilder current = new StringBuilder();
    boolean inString = false;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        current.append(c);
        if (c == '\\') {
          current.append(text.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '"') {
        inString = true;
        current.append(c);
      } else if (c == '(' || c == '[' || c == '{') {
        if (depth++ > 0) {
          current.append(c);
        }
      } else if (c == ')' || c == ']' || c == '}') {
        if (--depth == 0) {
          if (!current.toString().isBlank()) {
            args.add(current.toString().trim());
          }
          return args;
        }
        current.append(c);
      } else if (c == ',' && depth == 1) {
        args.add(current.toString().trim());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    throw new IllegalStateException("unbalanced call at " + open);
  }

  private static String stripComments(String code) {
    return code.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
  }

  // ---- HTTP routes -----------------------------------------------------------------------

  private static final Pattern HEALTH_ROUTE =
      Pattern.compile(
          "router\\s*\\.\\s*get\\(\\s*\"(/health/[\\w-]+)\"\\s*\\)\\s*\\.\\s*handler\\(\\s*platform\\.health\\(\\)::(\\w+)\\)");
  private static final Pattern ROUTE =
      Pattern.compile("router\\s*\\.\\s*get\\(\\s*\"(/[\\w/.-]+)\"");

  /** The routes every service serves without auth, as HttpApi registers them. */
  static Map<String, Route> platformRoutes() {
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

  /** The dev-only JWT secret, which must never appear in a deployment. */
  static String devJwtSecret() {
    String jwt = K8sTree.read(COMMON.resolve("java/dev/stockroom/common/auth/JwtConfig.java"));
    Matcher m = Pattern.compile("DEV_SECRET\\s*=\\s*\"([^\"]+)\"").matcher(jwt);
    if (!m.find()) {
      throw new IllegalStateException("JwtConfig.DEV_SECRET not found");
    }
    return m.group(1);
  }
}
