package dev.stockroom.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.loadtest.BenchOptions;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.ResultsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  @TempDir Path dir;

  @Test
  void writesTheMarkdownAndThePlot() throws Exception {
    BenchOptions opts = BenchOptions.parse(dir, "--quick");
    Results r = ReportFixtures.full(opts, dir);

    new ReportWriter(r, opts).write();

    String md = Files.readString(dir.resolve("BENCHMARKS.md"));
    assertThat(md).startsWith("# Stockroom benchmarks\n");
    assertThat(md)
        .contains("![latency by percentile and over time](loadtest/benchmarks-latency.png)");
    assertThat(md)
        .contains(
            "loadtest/run-benchmarks.sh --quick            # writes loadtest/benchmarks-results.json");
    assertThat(Files.size(dir.resolve("loadtest").resolve(ReportWriter.PLOT))).isGreaterThan(1000);
  }

  @Test
  void theReportIsRenderedFromTheResultsFileAlone() {
    Results r = ReportFixtures.full(opts(), dir);
    Path file = dir.resolve("results.json");
    ResultsFile.write(r, file);
    Results recorded = ResultsFile.read(file);

    // Every number, note and failure the report shows survives the file: a field the file did
    // not carry would change (or break) the rendered report.
    assertThat(render(recorded, "plot.png")).isEqualTo(render(r, "plot.png"));
    assertThat(render(ReportFixtures.empty(opts()), null))
        .as("an empty run renders differently, so the comparison above can fail")
        .isNotEqualTo(render(recorded, null));
  }

  @Test
  void everySectionInOrder() {
    String md = render(ReportFixtures.full(opts(), dir), "plot.png");

    assertThat(md.lines().filter(l -> l.startsWith("## ")).toList())
        .containsExactly(
            "## Summary against the targets",
            "## The machine",
            "## What ran",
            "## Closed loop: bare baseline vs the report (wrk)",
            "## The price of each platform layer (wrk)",
            "## Open model (Gatling, constant arrival rate)",
            "## Replication lag: how long until a user change shows in inventory's report",
            "## Read your own writes: the report right after a rename, with the writer's token",
            "## Orders under contention",
            "## One instance of each service against two",
            "## Faults under load",
            "## Memory",
            "## Latency plot",
            "## What limits it",
            "## EXPLAIN ANALYZE of the report query",
            "## Reproduce");
    assertThat(md).doesNotContain("Not measured.");
    assertThat(md).contains("**Scenarios that failed to run:**\n\n- lag: timed out\n");
  }

  @Test
  void layerPricesAndScalingFromTheirOwnRuns() {
    String md = render(ReportFixtures.full(opts(), dir), null);

    // The control: 1.0 core at 5,000 req/s, 200 µs a request; without auth 0.95 core, 190 µs:
    // auth costs 10. The inventory that served the whole run, 1.05 cores: 10 µs apart, the noise.
    assertThat(md)
        .contains(
            "| inventory, every layer | **5,000** | 0% | 12.0 ms | 210 µs | -10 µs | 160 µs |")
        .contains(
            "| a second inventory, nothing off (the control) | **5,000** | 0% | 12.0 ms | 200 µs | — |")
        .contains("| inventory without auth | **5,000** | 0% | 11.0 ms | 190 µs | 10 µs | 160 µs |")
        .contains("| bare baseline | **6,000** | 0% | 9.00 ms | 150 µs | 50 µs | 133 µs |");
    assertThat(md)
        .contains("| report, two inventories | **4,800** | 0% | 20.0 ms | 0.50 | 0.50 | 0.85 |");
    // Every process but the load generator (1.99 − 0.35 cores) over 490 confirmed/s: 3.3 ms.
    assertThat(md).contains("| orders on 1 | 900 | **490** | 800 | 3.3 ms | 0.20 | – |");
  }

  @Test
  void statementsPerOrderFromPgStatStatements() {
    String md = render(ReportFixtures.full(opts(), dir), null);

    assertThat(md)
        .contains("### Where PostgreSQL's time goes per order")
        .contains("Each order cost **6.5 statements** and **2000 µs** of statement execution")
        .contains("inside PostgreSQL) 0.05 at a time on average.")
        .contains(
            "| orders | `UPDATE orders SET step = $4 WHERE id = $1 AND a \\|\\| b` | 4.00 | 1200 µs"
                + " | 60% |\n")
        .contains("| | **all** | **6.5** | **2000 µs** | |\n");
  }

  @Test
  void summaryTargetsWithTheirVerdicts() {
    String md = render(ReportFixtures.full(opts(), dir), null);

    assertThat(md)
        .contains(
            "| report (replica path) ≥ 0.9× the plain join, default plan mode (wrk, same run) |"
                + " 5,200 vs 5,700 req/s = **0.91×** (throughput ratio per round 1.00 / 0.84;"
                + " **unsteady, not judged**) | – |\n")
        .contains(
            "| 5,200 vs 6,400 req/s = **0.81×** (throughput ratio per round 0.78 / 0.84) | ❌"
                + " **no** |\n")
        .contains(
            "| report (replica path) ≥ 0.95× the bare baseline (same SQL and body, generic"
                + " plans) (wrk, same run) | 5,200 vs 9,100 req/s = **0.57×** (throughput ratio per"
                + " round 0.55) | ❌ **no** |\n")
        .contains("| 144 µs vs 99 µs = **1.46×** (throughput ratio per round 0.55) | ❌ **no** |\n")
        .contains(
            "| 500 µs vs 400 µs per execution = **1.25×** (throughput ratio per round 0.78 / 0.84)"
                + " | ❌ **no** |\n")
        .contains("| 5,200 vs 1,500 req/s = **3.5×** | ✅ yes |\n")
        .contains("| p99 3.00 ms vs 17.0 ms; closed loop p99 12.0 ms vs 140 ms | ✅ yes |\n")
        .contains(
            "6 of 3,000 failed (0.20%); inventory died of OutOfMemoryError during the ramp-up;"
                + " Gatling assertions failed | ❌ **no** |\n")
        .contains("at 483 updates/s; 2 never seen | ❌ **no** |\n")
        .contains(
            "| **641** confirmed/s at 600/s offered; **490** at 900/s offered (the scaling run's"
                + " one instance); no oversell (sell-out run: exactly 900 of 1,000 units sold, 100"
                + " orders rejected out of stock) | ✅ yes |\n")
        // 1.99 − 0.35 cores over 641 and over 490 confirmed/s.
        .contains("| **2.6 ms** at 600/s offered (1.6 cores busy at 641 confirmed/s;")
        .contains(
            "; **3.3 ms** at 900/s offered (490 confirmed/s, the scaling run's one instance) |")
        .contains("| 0 errors, p99 **7.00 ms** over the run (while users was down: p99 7.00 ms) |")
        .contains(
            "peak RSS in it: users ?, inventory 410 MB. Under the overload runs later:"
                + " **OutOfMemoryError in inventory during \"open model: report at the target"
                + " rate\"** | ❌ **no** |\n")
        .contains(
            "| each service under -Xmx256m through the mixed load: no OOM, peak RSS ≤ 220 MB |");
  }

  @Test
  void eachRatioIsJudgedByItsOwnFigurePerRound() {
    // Throughput ratios 0.74 / 0.92 (unsteady); CPU per request 190 / 130 µs in both rounds
    // (steady); p99 ratios 1.2 / 2.0 (unsteady).
    Results r = ReportFixtures.empty(opts());
    r.closedLoop.add(
        perRound(
            "replica",
            "inventory",
            new Results.Round(4000, 12, Map.of("inventory", 0.76), null),
            new Results.Round(4400, 20, Map.of("inventory", 0.836), null)));
    r.closedLoop.add(
        perRound(
            "baseline-generic",
            "baseline-generic",
            new Results.Round(5400, 10, Map.of("baseline-generic", 0.702), null),
            new Results.Round(4800, 10, Map.of("baseline-generic", 0.624), null)));
    Path file = dir.resolve("rounds.json");
    ResultsFile.write(r, file);

    String md = render(ResultsFile.read(file), null);

    assertThat(md)
        .contains("(throughput ratio per round 0.74 / 0.92; **unsteady, not judged**) | – |")
        .contains("190 µs vs 130 µs = **1.46×** (CPU ratio per round 1.46 / 1.46) | ❌ **no** |")
        .contains("(p99 ratio per round 1.20 / 2.00; **unsteady, not judged**) | – |");
  }

  @Test
  void p99IsComparedRoundByRoundNotByOneRoundOfEach() {
    // In each interleaved round the report's p99 is below the bare server's (0.95, 0.92). With two
    // rounds, "the round closest to the mean" is a tie on both sides: taking the report's slower
    // round and the bare server's faster one made 24 vs 19 ms (1.26x) of a target met in both.
    Results r = ReportFixtures.empty(opts());
    r.closedLoop.add(
        perRound(
            "replica",
            "inventory",
            24,
            new Results.Round(4800, 18, Map.of("inventory", 0.7), null),
            new Results.Round(4500, 24, Map.of("inventory", 0.7), null)));
    r.closedLoop.add(
        perRound(
            "baseline-generic",
            "baseline-generic",
            19,
            new Results.Round(4900, 19, Map.of("baseline-generic", 0.7), null),
            new Results.Round(3500, 26, Map.of("baseline-generic", 0.7), null)));
    Path file = dir.resolve("p99.json");
    ResultsFile.write(r, file);

    assertThat(render(ResultsFile.read(file), null))
        .contains(
            "| report p99 ≤ 1.1× the bare baseline's at the same concurrency | 21.0 ms vs 22.5 ms"
                + " (mean of the rounds) = **0.93×** (p99 ratio per round 0.95 / 0.92) | ✅ yes |");
  }

  private static Results.ClosedLoop perRound(String label, String group, Results.Round... rounds) {
    return perRound(label, group, rounds[0].p99(), rounds);
  }

  /** A closed loop whose latencies are those of the round with {@code p99}. */
  private static Results.ClosedLoop perRound(
      String label, String group, double p99, Results.Round... rounds) {
    List<Results.Round> all = List.of(rounds);
    double rps = all.stream().mapToDouble(Results.Round::throughput).average().orElseThrow();
    double cores = all.stream().mapToDouble(x -> x.cpu().get(group)).average().orElseThrow();
    return new Results.ClosedLoop(
        label,
        label,
        32,
        MeasurementFixtures.closed(label, label, rps, p99, Map.of()).result(),
        Map.of(group, cores),
        all.stream().map(Results.Round::throughput).toList(),
        null,
        all);
  }

  @Test
  void historyIsCarriedOverFromItsFile() throws Exception {
    assertThat(render(ReportFixtures.full(opts(), dir), null)).doesNotContain("## History");
    Files.createDirectories(dir.resolve("loadtest"));
    Files.writeString(
        dir.resolve(HistorySection.FILE), "| run | report/bare |\n|---|---|\n| 1 | 0.86× |\n");
    String md = render(ReportFixtures.full(opts(), dir), null);
    assertThat(md.substring(md.indexOf("## History"), md.indexOf("## Reproduce")))
        .contains("| 1 | 0.86× |\n");
  }

  @Test
  void tablesShareTheirLatencyAndCpuColumns() {
    String md = render(ReportFixtures.full(opts(), dir), null);

    assertThat(md)
        .contains(
            "| report, replica | **5,200** | 5,000 / 5,400 | 8% | 4.00 ms | 6.00 ms | 12.0 ms | 24.0 ms | 36.0 ms | 0 |"
                + " 5 | 1.05 | 0.75 | – | 0.30 | 1.95 |\n")
        .contains(
            "| report at the target rate | 5,000 | 100 | 3,000 | 6 | 5.00 ms | 9.00 ms |"
                + " **9.00 ms** | 90.0 ms | 90.0 ms | **failed** | 0.80 | 0.50 | 0.10 | 0.20 | 0.35 |"
                + " 1.99 |\n")
        .contains(
            "| orders, sell-out | 100 | 13 | 400 | 1 | 5.00 ms | 8.00 ms | **8.00 ms** | 80.0 ms |"
                + " 80.0 ms | held | – | – | – | – | – | – |\n")
        .contains(
            "| 30,000 | 500 | 483 | 3 | 2 | 1.40 ms | 2.10 ms | **4.20 ms** | 8.40 ms | 12.6 ms |"
                + " 0.43 ms | 1.30 ms | – | – | – | – | – | 1.62 |\n")
        .contains("- report at the target rate — p99 < 15: false\n");
  }

  @Test
  void faultWindowsWithLatencyOnlyForASingleRequestSeries() {
    String md = render(ReportFixtures.full(opts(), dir), null);

    // users killed: one request series per window, so its percentiles can be shown.
    assertThat(md)
        .contains(
            "| window | requests | failed | error rate | p50 | p95 | p99 | max |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|\n"
                + "| before | 1,000 | 0 | 0.00% | 5.00 ms | 7.00 ms | **7.00 ms** | 7.00 ms |\n");
    // Kafka stopped: three kinds of request per window, so counts only, then per kind.
    assertThat(md)
        .contains(
            "| window | requests | failed | error rate |\n"
                + "|---|---:|---:|---:|\n"
                + "| before | 1,000 | 0 | 0.00% |\n"
                + "| during | 1,000 | 48 | 4.80% |\n")
        .contains("| order [during] | 333 | 48 | 5.00 ms | 7.00 ms | 7.00 ms | 7.00 ms |\n")
        .contains("- t=10.0 s: users killed\n- t=20.1 s: users started\n");
  }

  @Test
  void ordersMemoryAndSeeding() {
    String md = render(ReportFixtures.full(opts(), dir), null);

    assertThat(md)
        .contains("| confirmed per second | **95** while stock lasted (first 7.5 s); 76 over")
        .contains("| rejection reasons | {out_of_stock=100, no_credit=3} |\n")
        .contains("; orders answered 12 requests with 503 at once (at capacity")
        .containsPattern("That is [0-9.]+ ms of CPU per confirmed order across all the processes")
        .contains(
            "| service | heap cap | seeding | mixed load, Kafka stopped | order contention |"
                + " open model: report at the target rate | peak | at the end | crashed"
                + " (OutOfMemoryError) during |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---|\n"
                + "| users | 256m | 293 MB | – | 342 MB | – | **342 MB** | 273 MB | never |\n")
        .contains("| **total** | 72,410 requests | 107.8 | |\n")
        .contains("| memory (MemTotal) | 22.9 GiB |\n");
  }

  @Test
  void limitsByTopicThenTheRunsNotes() {
    String md = render(ReportFixtures.full(opts(), dir), null);
    String limits = md.substring(md.indexOf("## What limits it"), md.indexOf("## EXPLAIN"));

    assertThat(limits.lines().filter(l -> l.startsWith("- **")).map(l -> l.split("\\*\\*")[1]))
        .containsExactly(
            "The machine, first.",
            "What the service adds around the query:",
            "Query planning is a large part of the database's work.",
            "API composition (`maxStaleness=PT0S`)",
            "The open model at 5,000 req/s:",
            "Overload ends in OutOfMemoryError.",
            "Replication lag",
            "Orders:",
            "Measurement limits:");
    assertThat(limits)
        .as("inventory against the bare server on the same generic plans, not the custom-plan one")
        .contains("busy 1.95 (the bare baseline on generic plans, as inventory runs)")
        .contains("per request the bare server spent 99 µs of CPU and inventory 144 µs")
        .contains("which is why the report is compared with this baseline.")
        .contains("is under *Where PostgreSQL's time goes per order*.")
        .endsWith("- wrk was patched to count stale responses\n\n");
  }

  @Test
  void readsWithATokenSayWhereTheyWereAnsweredFrom() {
    String md = render(ReportFixtures.full(opts(), dir), "plot.png");
    String section =
        md.substring(md.indexOf("## Read your own writes"), md.indexOf("## Orders under"));

    assertThat(section)
        .contains("| 1,200 | 1,150 (96%) | 50 (4%) | 0 | 0 | 0 | 0 |")
        .contains("| with the token |")
        .contains("| maxStaleness=PT0S |");
  }

  @Test
  void whatWasNotMeasuredSaysSo() {
    String md = render(ReportFixtures.empty(opts()), null);

    assertThat(md.split("Not measured\\.", -1)).hasSize(7);
    assertThat(md)
        .contains(
            "| report (replica path) ≥ 0.9× the plain join, generic plans (wrk, same run) | not"
                + " measured | – |\n")
        .contains(
            "| PostgreSQL execution time of the report's statement ≤ 1.2× the plain join's"
                + " (pg_stat_statements, generic plans both) | not measured | – |\n")
        .contains("| users killed during the read load | not measured | – |\n")
        .contains("## The machine\n\n(not recorded)\n")
        .contains("all run on the same ? cores")
        .doesNotContain("Latency plot")
        .doesNotContain("EXPLAIN")
        .doesNotContain("each service under");

    // A run of some scenarios (--only): memory sampled, the mixed load never ran. No verdict.
    Results partial = ReportFixtures.full(opts(), dir);
    partial.open.remove("mixed-kafka");
    assertThat(render(partial, null))
        .contains("through the mixed load: no OOM, peak RSS ≤ 220 MB | not measured (the mixed")
        .doesNotContain("**crashed**, see Memory");
  }

  @Test
  void phaseOfARequestName() {
    assertThat(Runs.phaseOf("report [during]")).isEqualTo("during");
    assertThat(Runs.phaseOf("report")).isEqualTo("all");
  }

  @Test
  void markdownTableRows() {
    Markdown md = new Markdown();
    md.head("lr", "", "n");
    md.row("a", List.of("1", "2"), 3L, "");
    assertThat(md.text()).isEqualTo("| | n |\n|---|---:|\n| a | 1 | 2 | 3 | |\n");
    assertThatThrownBy(() -> md.head("l", "a", "b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void numberFormats() {
    assertThat(Fmt.ms(0.428)).isEqualTo("0.43 ms");
    assertThat(Fmt.ms(12.61)).isEqualTo("12.6 ms");
    assertThat(Fmt.ms(1234.4)).isEqualTo("1,234 ms");
    assertThat(Fmt.f0(6400.4)).isEqualTo("6,400");
    assertThat(Fmt.pct(0.8125)).isEqualTo("81%");
    assertThat(Fmt.pct2(0.2)).isEqualTo("0.20%");
    assertThat(Fmt.us(0.094)).isEqualTo("94 µs");
    assertThat(Fmt.cores(Map.of("users", 0.456), "users")).isEqualTo("0.46");
    assertThat(Fmt.cores(Map.of(), "users")).isEqualTo("–");
  }

  private BenchOptions opts() {
    return BenchOptions.parse(dir, "--reportRate=5000");
  }

  private String render(Results r, String plot) {
    ReportWriter w = new ReportWriter(r, opts());
    w.render(plot);
    return w.markdown();
  }
}
