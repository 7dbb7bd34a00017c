package dev.stockroom.loadtest.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The short chaos run CI makes on every build: two instances of every service (their real jars,
 * real PostgreSQL and Kafka), renames, report reads and orders under every fault kind once, and the
 * checker's verdict on the recorded history. Any violation fails the build, with the
 * counterexamples in {@code loadtest/target/chaos/CHAOS.md}.
 */
class ChaosTest {
  @Test
  void everyPropertyHoldsUnderEveryKindOfFault() throws Exception {
    Path work = Path.of("target/chaos").toAbsolutePath();
    ChaosRun run = new ChaosRun();
    new CommandLine(run)
        .parseArgs(
            "--root=..",
            "--work=" + work,
            "--out=" + work.resolve("CHAOS.md"),
            "--rounds=1",
            "--down-seconds=3",
            "--gap-seconds=1",
            "--quiet-seconds=10",
            "--tracked=12",
            "--customers=6",
            "--stock=80");
    ChaosRun.Outcome outcome = run.run();

    String report = Files.readString(outcome.report());
    assertThat(report).contains("## Fault timeline");
    assertThat(outcome.properties())
        .as("see %s", outcome.report())
        .allSatisfy(p -> assertThat(p.passed()).as(p.name() + ": " + p.counterexamples()).isTrue());
    History h = History.read(outcome.history());
    assertThat(h.faults).extracting(History.Fault::kind).containsAll(Faults.KINDS);
    assertThat(h.faults).allSatisfy(f -> assertThat(f.outcome()).isEqualTo("healed"));
    assertThat(h.writes.stream().filter(History.Write::acknowledged).count()).isGreaterThan(100);
    assertThat(h.orders).isNotEmpty();
  }
}
