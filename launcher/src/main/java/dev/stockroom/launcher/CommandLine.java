package dev.stockroom.launcher;

import dev.stockroom.common.auth.Jwt;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses the launcher's arguments into a {@link Command}. Hand-written rather than a library: four
 * commands with a handful of flags do not justify another dependency in every fat jar, and errors
 * stay one plain line each ({@link UsageException}).
 */
final class CommandLine {
  static final Duration DEFAULT_TTL = Duration.ofHours(12);
  private static final Set<String> COMMANDS =
      Set.of("dev", "infra", "token", "outbox", "replica", "dlq");

  private CommandLine() {}

  /**
   * @param env the process environment, passed on to the services started by {@code dev}
   */
  static Command parse(String[] args, Map<String, String> env) {
    if (args.length == 0) {
      return new Command.Help();
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (COMMANDS.contains(args[0]) && (rest.contains("--help") || rest.contains("-h"))) {
      return new Command.Help();
    }
    switch (args[0]) {
      case "dev":
        return new Command.Dev(systemOptions("dev", rest, true, env));
      case "infra":
        return new Command.Infra(systemOptions("infra", rest, false, env));
      case "token":
        return token(rest);
      case "outbox":
        return OperatorArguments.parse("outbox", rest, Map.of("users", 8081, "orders", 8083), env);
      case "replica":
        return OperatorArguments.parse(
            "replica", rest, Map.of("inventory", 8082, "orders", 8083), env);
      case "dlq":
        return OperatorArguments.parse("dlq", rest, Map.of("inventory", 8082, "orders", 8083), env);
      case "help":
      case "--help":
      case "-h":
        return new Command.Help();
      default:
        throw new UsageException("unknown command '" + args[0] + "'");
    }
  }

  private static LauncherOptions systemOptions(
      String command, List<String> args, boolean demoAllowed, Map<String, String> env) {
    boolean demo = false;
    boolean fresh = false;
    int instances = 1;
    Path data = LauncherOptions.DEFAULT_DATA_DIR;
    for (Iterator<String> it = flags(command, args).iterator(); it.hasNext(); ) {
      String flag = it.next();
      if (flag.equals("--demo") && demoAllowed) {
        demo = true;
      } else if (flag.equals("--instances") && demoAllowed) {
        instances = instances(value(flag, it));
      } else if (flag.equals("--fresh")) {
        fresh = true;
      } else if (flag.equals("--data")) {
        data = dataDir(value(flag, it));
      } else {
        throw new UsageException(command + ": unknown option '" + flag + "'");
      }
    }
    return new LauncherOptions(demo, fresh, data, LauncherOptions.Ports.standard(), env, instances);
  }

  private static int instances(String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1 && n <= LocalInstances.MAX) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new UsageException(
        "--instances: a whole number from 1 to " + LocalInstances.MAX + ", not '" + value + "'");
  }

  private static Command.Token token(List<String> args) {
    String subject = null;
    List<String> roles = null;
    Duration ttl = DEFAULT_TTL;
    Path data = LauncherOptions.DEFAULT_DATA_DIR;
    for (Iterator<String> it = flags("token", args).iterator(); it.hasNext(); ) {
      String flag = it.next();
      switch (flag) {
        case "--sub" -> subject = value(flag, it);
        case "--roles" -> roles = roles(value(flag, it));
        case "--ttl" -> ttl = ttl(value(flag, it));
        case "--data" -> data = dataDir(value(flag, it));
        default -> throw new UsageException("token: unknown option '" + flag + "'");
      }
    }
    if (subject == null || subject.isBlank()) {
      throw new UsageException("token: --sub is required (a user id, or a service name)");
    }
    if (roles == null) {
      throw new UsageException("token: --roles is required, e.g. --roles admin");
    }
    return new Command.Token(subject.trim(), roles, ttl, data.toAbsolutePath().normalize());
  }

  static Path dataDir(String dir) {
    try {
      return Path.of(dir);
    } catch (java.nio.file.InvalidPathException e) {
      throw new UsageException("--data: not a valid path: " + dir);
    }
  }

  private static List<String> roles(String raw) {
    Set<String> roles = new LinkedHashSet<>();
    for (String role : raw.split(",")) {
      if (!role.isBlank()) {
        roles.add(role.trim());
      }
    }
    if (roles.isEmpty()) {
      throw new UsageException("token: --roles needs at least one role");
    }
    for (String role : roles) {
      if (!Jwt.KNOWN_ROLES.contains(role)) {
        throw new UsageException(
            "token: unknown role '"
                + role
                + "'; expected any of "
                + String.join(", ", new TreeSet<>(Jwt.KNOWN_ROLES)));
      }
    }
    return List.copyOf(roles);
  }

  private static Duration ttl(String raw) {
    try {
      Duration ttl = Duration.parse(raw);
      if (ttl.isNegative() || ttl.isZero() || ttl.toSeconds() < 1) {
        throw new UsageException("token: --ttl must be at least one second, got " + raw);
      }
      return ttl;
    } catch (DateTimeParseException e) {
      throw new UsageException(
          "token: --ttl expects an ISO-8601 duration such as PT12H, got " + raw);
    }
  }

  /**
   * Splits {@code --flag=value} into two arguments so both spellings work. A flag given twice is an
   * error rather than the last one winning: values never start with "--" ({@link #value}), so every
   * such argument is a flag.
   */
  static List<String> flags(String who, List<String> args) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String flag = arg.startsWith("--") && eq > 2 ? arg.substring(0, eq) : arg;
      if (flag.startsWith("--") && !seen.add(flag)) {
        throw new UsageException(who + ": " + flag + " is given twice");
      }
      out.add(flag);
      if (!flag.equals(arg)) {
        out.add(arg.substring(eq + 1));
      }
    }
    return out;
  }

  static String value(String flag, Iterator<String> it) {
    if (!it.hasNext()) {
      throw new UsageException(flag + " needs a value");
    }
    String value = it.next();
    if (value.startsWith("--")) {
      throw new UsageException(flag + " needs a value, got option " + value);
    }
    return value;
  }
}
