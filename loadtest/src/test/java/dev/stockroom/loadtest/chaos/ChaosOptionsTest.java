package dev.stockroom.loadtest.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad options of the chaos run are usage errors (exit 2, one line), before anything starts. */
class ChaosOptionsTest {
  @Test
  void outOfRangeValuesAreRefusedBeforeAnythingStarts() {
    for (String[] args :
        new String[][] {
          {"--instances=1"},
          {"--instances=10"},
          {"--rounds=0"},
          {"--tracked=500"},
          {"--stock=0"},
          {"--down-seconds=-1"},
          {"--instances=two"}
        }) {
      StringWriter err = new StringWriter();
      int exit = new CommandLine(new ChaosRun()).setErr(new PrintWriter(err)).execute(args);
      assertThat(exit).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString().lines().findFirst().orElse(""))
          .as(String.join(" ", args))
          .containsAnyOf("--instances", "--rounds", "--tracked", "--stock", "durations");
    }
  }
}
