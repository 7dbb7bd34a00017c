package dev.stockroom.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The operator commands' arguments ({@code outbox}, {@code replica}, {@code dlq}). */
final class OperatorArguments {
  private OperatorArguments() {}

  /**
   * {@code outbox|replica status} and {@code dlq list|replay [--since T]}, each with {@code
   * --service S [--url URL] [--token T] [--data DIR]}.
   */
  static Command.Operate parse(
      String area, List<String> args, Map<String, Integer> services, Map<String, String> env) {
    List<String> actions =
        switch (area) {
          case "dlq" -> List.of("list", "replay");
          case "replica" -> List.of("status", "rebuild");
          default -> List.of("status");
        };
    if (args.isEmpty() || !actions.contains(args.get(0))) {
      throw new UsageException(
          area
              + ": expected "
              + String.join(" or ", actions)
              + ", e.g. "
              + area
              + " "
              + actions.get(0)
              + " --service ...");
    }
    String action = args.get(0);
    String since = null;
    String resumeAt = null;
    String service = null;
    String url = null;
    String token = env.get("STOCKROOM_TOKEN");
    Path data = LauncherOptions.DEFAULT_DATA_DIR;
    for (Iterator<String> it =
            CommandLine.flags(area + " " + action, args.subList(1, args.size())).iterator();
        it.hasNext(); ) {
      String flag = it.next();
      switch (flag) {
        case "--service" -> service = CommandLine.value(flag, it);
        case "--url" -> url = CommandLine.value(flag, it);
        case "--token" -> token = CommandLine.value(flag, it);
        case "--data" -> data = CommandLine.dataDir(CommandLine.value(flag, it));
        case "--since" -> since = instant(CommandLine.value(flag, it));
        case "--resume-at" -> resumeAt = resumeAt(CommandLine.value(flag, it));
        default ->
            throw new UsageException(area + " " + action + ": unknown option '" + flag + "'");
      }
    }
    if (service == null || !services.containsKey(service)) {
      String noun =
          switch (area) {
            case "dlq" -> "dead-letter topic";
            case "replica" -> "user replica";
            default -> area;
          };
      throw new UsageException(
          area
              + " "
              + action
              + (service == null
                  ? ": --service is required,"
                  : ": --service " + service + " has no " + noun + ";")
              + " one of "
              + String.join(", ", new TreeSet<>(services.keySet())));
    }
    URI base;
    try {
      base = URI.create(url != null ? url : "http://localhost:" + services.get(service));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--url: not a URL: " + url);
    }
    if (base.getScheme() == null
        || !List.of("http", "https").contains(base.getScheme().toLowerCase(java.util.Locale.ROOT))
        || base.getHost() == null) {
      throw new UsageException("--url: expected http(s)://host:port, got " + base);
    }
    if ((since != null || resumeAt != null) && !area.equals("dlq")) {
      throw new UsageException(
          area + " " + action + ": --since and --resume-at are only for dlq list|replay");
    }
    if (since != null && resumeAt != null) {
      throw new UsageException(
          "dlq " + action + ": --resume-at goes on from where an earlier one stopped; no --since");
    }
    String path =
        "/admin/"
            + area
            + (action.equals("replay") || action.equals("rebuild") ? "/" + action : "")
            + (since == null ? "" : "?since=" + since)
            + (resumeAt == null ? "" : "?resumeAt=" + resumeAt);
    return new Command.Operate(
        action.equals("replay") || action.equals("rebuild") ? "POST" : "GET",
        path,
        base,
        java.util.Optional.ofNullable(token),
        data.toAbsolutePath().normalize());
  }

  /** What an answer's resumeAt says: partition:offset pairs, as the service gives them out. */
  private static String resumeAt(String raw) {
    if (!raw.matches("[0-9]+:[0-9]+(,[0-9]+:[0-9]+)*")) {
      throw new UsageException(
          "--resume-at: expected what an answer's resumeAt said (such as 0:120,1:98), got " + raw);
    }
    return raw;
  }

  private static String instant(String raw) {
    try {
      return java.time.Instant.parse(raw).toString();
    } catch (java.time.format.DateTimeParseException e) {
      throw new UsageException(
          "--since: expected an instant such as 2026-12-04T10:00:00Z, got " + raw);
    }
  }
}
