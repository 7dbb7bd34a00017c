package dev.stockroom.loadtest;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Durations, rates and sizes of one benchmark run. {@code --quick} (about 5 minutes) is for
 * checking the harness; the default full mode (about 15 minutes) is what BENCHMARKS.md reports. Any
 * value can be overridden with {@code --name=value}, e.g. {@code --reportRate=3000}.
 */
public final class BenchOptions {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Path root;
  private final boolean quick;
  private final java.util.List<String> args = new java.util.ArrayList<>();

  private BenchOptions(Path root, boolean quick) {
    this.root = root;
    this.quick = quick;
    // Seeding.
    values.put("customers", quick ? "1500" : "6000");
    values.put("stockers", quick ? "300" : "3800");
    values.put("probes", "200");
    values.put("lowStock", quick ? "5000" : "30000");
    values.put("catalog", quick ? "500" : "2000");
    values.put("hot", "5");
    // Closed loop (wrk): same connections against the baseline and the real endpoint.
    values.put("closedConnections", "32");
    values.put("closedThreads", "2");
    values.put("closedSeconds", quick ? "8" : "15");
    // Interleaved rounds per endpoint (A B … B A): 2 at least, to see how far they agree.
    values.put("closedRounds", "2");
    // The baselines' pools: one shared by their verticles (the obvious server), or one per
    // verticle and event loop as the services have theirs (per-loop): the platform's price then
    // comes without the pools' thread hand-overs in the comparison.
    values.put("baselinePools", "shared");
    // After seeding: wait (at most this long) until the machine is idle before measuring.
    values.put("settleSeconds", "90");
    // The longest warm-up of an endpoint, which ends sooner once its throughput is steady.
    values.put("warmupSeconds", quick ? "40" : "60");
    // Open model (Gatling).
    values.put("reportRate", "5000");
    values.put("reportSeconds", quick ? "20" : "60");
    values.put("reportP99Ms", "15");
    values.put("compareRate", "auto");
    values.put("compareSeconds", quick ? "10" : "30");
    values.put("lagRate", "500");
    values.put("lagSeconds", quick ? "15" : "60");
    // The same probe first, unmeasured: the relay, consumers and broker warm up (C2 compiled
    // 0.6 of the 2 cores in a cold first minute), and its names are in the report before the run.
    values.put("lagWarmupSeconds", quick ? "5" : "20");
    // Between one report read and the next: the probe's resolution, and its own load.
    values.put("lagPollGapMs", "10");
    values.put("rywChains", "4");
    values.put("rywSeconds", quick ? "10" : "30");
    values.put("lagP99Ms", "100");
    values.put("orderRate", "600");
    values.put("orderSeconds", quick ? "15" : "30");
    // One set of services against two: offered more than one set confirms (~525/s here).
    values.put("scalingOrderRate", "900");
    values.put("selloutRate", "100");
    values.put("selloutSeconds", quick ? "10" : "20");
    values.put("sellout", "5");
    values.put("openWarmupSeconds", quick ? "5" : "10");
    values.put("mixedRate", "300");
    values.put("mixedPhaseSeconds", quick ? "15" : "30");
    values.put("faultReadRate", "auto");
    values.put("faultReadPhaseSeconds", quick ? "10" : "20");
    values.put("faultReadP99Ms", "250");
    // Service JVMs.
    // Each service's heap, with the production image's collector (SerialGC), and the RSS target.
    // At 128m (#17's target) a full run still lost inventory to OutOfMemoryError in the overload
    // run, and the GC cost the orders run a quarter of its throughput (249 vs 347 confirmed/s,
    // 2026-12-05), so the default stays 256m until the services fit in less.
    values.put("serviceXmx", "256m");
    values.put("rssLimitMb", "220");
    // Debugging: keep the seeded system up this long before measuring (prints URLs and tokens).
    values.put("holdSeconds", "0");
    // Tuning: run only some scenarios (comma-separated keys, see BenchmarkRunner), e.g. closed,lag.
    values.put("only", "all");
  }

  /**
   * Parses {@code --quick}, {@code --strict}, {@code --out=FILE} and {@code --name=value} for every
   * value above, with picocli: an unknown name is refused with the closest known ones, and a value
   * that is not a number where the default is one is refused here, before anything starts.
   */
  public static BenchOptions parse(Path root, String... args) {
    boolean quick = java.util.Arrays.asList(args).contains("--quick");
    BenchOptions o = new BenchOptions(root, quick);
    o.args.addAll(java.util.List.of(args));
    CommandSpec spec = CommandSpec.create().name("loadtest/run-benchmarks.sh");
    spec.addOption(OptionSpec.builder("--quick").arity("0").build());
    spec.addOption(OptionSpec.builder("--full").arity("0").build());
    spec.addOption(OptionSpec.builder("--strict").arity("0").build());
    spec.addOption(OptionSpec.builder("--out").type(String.class).paramLabel("FILE").build());
    o.values.forEach(
        (name, value) ->
            spec.addOption(
                OptionSpec.builder("--" + name)
                    .type(typeOf(value))
                    .paramLabel("VALUE")
                    .description("default " + value)
                    .build()));
    ParseResult parsed;
    try {
      parsed = new CommandLine(spec).parseArgs(args);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(
          e.getMessage()
              + (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
                  ? "; did you mean " + String.join(" or ", u.getSuggestions()) + "?"
                  : ""));
    }
    for (OptionSpec matched : parsed.matchedOptions()) {
      String name = matched.longestName().substring(2);
      if (!name.equals("quick") && !name.equals("full")) {
        // The text as given (typed options are checked by picocli, not rewritten: 3000 stays 3000).
        List<String> given = matched.originalStringValues();
        o.values.put(name, given.isEmpty() ? "true" : given.get(given.size() - 1));
      }
    }
    return o;
  }

  /** A default that is a whole number or a number makes its option typed, so picocli checks it. */
  private static Class<?> typeOf(String defaultValue) {
    if (defaultValue.matches("-?\\d+")) {
      return Long.class;
    }
    return defaultValue.matches("-?\\d+\\.\\d+") ? Double.class : String.class;
  }

  /**
   * The options a recorded run ran with ({@link Results#options}), to render its report again;
   * {@code out} overrides where the report goes.
   */
  public static BenchOptions recorded(Path root, Results run, Path out) {
    BenchOptions o = new BenchOptions(root, "quick".equals(run.mode));
    if (run.options != null) {
      o.values.putAll(run.options);
    }
    o.values.put("out", out.toString());
    return o;
  }

  public boolean quick() {
    return quick;
  }

  public String mode() {
    return quick ? "quick" : "full";
  }

  public Path root() {
    return root;
  }

  public Path output() {
    return values.containsKey("out") ? Path.of(values.get("out")) : root.resolve("BENCHMARKS.md");
  }

  public boolean strict() {
    return Boolean.parseBoolean(values.getOrDefault("strict", "false"));
  }

  public Path workDir() {
    return root.resolve("loadtest/target/bench");
  }

  public int i(String name) {
    return Integer.parseInt(values.get(name));
  }

  public double d(String name) {
    return Double.parseDouble(values.get(name));
  }

  public String s(String name) {
    return values.get(name);
  }

  /** The overrides and defaults in force, for the report. */
  public Map<String, String> values() {
    return Map.copyOf(values);
  }

  /** Whether the scenario with this key runs ({@code --only}, default all). */
  public boolean runs(String scenarioKey) {
    String only = s("only");
    return only.equals("all") || java.util.Arrays.asList(only.split(",")).contains(scenarioKey);
  }

  public SeedPlan seedPlan() {
    return new SeedPlan(
        i("customers"),
        i("stockers"),
        i("probes"),
        i("lowStock"),
        i("catalog"),
        i("hot"),
        SeedPlan.hotStockFor(d("orderRate"), d("orderSeconds"), i("hot")),
        i("sellout"),
        (int) Math.max(1, Math.floor(0.6 * d("selloutRate") * d("selloutSeconds") / i("sellout"))));
  }

  /** The command that reproduces this run. */
  public String command() {
    StringBuilder sb = new StringBuilder("loadtest/run-benchmarks.sh");
    for (String a : args) {
      if (!a.startsWith("--out=")) {
        sb.append(' ').append(a);
      }
    }
    return sb.toString();
  }
}
