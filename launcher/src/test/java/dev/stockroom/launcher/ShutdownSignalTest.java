package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as a real process: a signal stops it in order, PostgreSQL included. */
@DisplayName("Launcher signals")
class ShutdownSignalTest {
  @TempDir Path data;

  @Test
  @DisplayName("SIGHUP (the terminal closed) stops Kafka and PostgreSQL in order and exits 0")
  void hangUpStopsInOrder() throws Exception {
    Process launcher = launcher("infra");
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> collect(launcher, output), "launcher-output");
    reader.start();
    try {
      awaitLine(output, "Ctrl-C stops", Duration.ofSeconds(90));
      long postmaster =
          Long.parseLong(Files.readAllLines(data.resolve("pg/postmaster.pid")).get(0).trim());

      // Under nohup (as some CI runners start builds) HUP stays ignored in every child process;
      // the launcher then says so, and TERM must bring the same orderly stop.
      boolean hupIgnored = hangUpIgnoredHere();
      if (hupIgnored) {
        awaitLine(output, "SIGHUP is ignored in this process", Duration.ofSeconds(10));
      }
      signal(hupIgnored ? "TERM" : "HUP", launcher.pid());

      assertThat(launcher.waitFor(60, TimeUnit.SECONDS))
          .as("launcher exited; its output:%n%s", String.join("\n", output))
          .isTrue();
      reader.join(5_000);
      assertThat(launcher.exitValue()).as(String.join("\n", output)).isZero();
      assertThat(output).anyMatch(l -> l.contains("stopping Kafka … done"));
      assertThat(output).anyMatch(l -> l.contains("stopping PostgreSQL … done"));
      assertThat(output).contains("Stopped.");
      // pg_ctl has waited for the shutdown; the process entry may linger until it is reaped.
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
                  .as("PostgreSQL stopped")
                  .isFalse());
    } finally {
      launcher.destroyForcibly();
    }
  }

  @Test
  @DisplayName(
      "SIGTERM while dev --instances 2 is still starting leaves no instance running (they held"
          + " their ports for the next start)")
  void termDuringAStartLeavesNoInstance() throws Exception {
    Process launcher = launcher("dev", "--instances", "2");
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> collect(launcher, output), "launcher-output");
    reader.start();
    try {
      // The first instance is up; the others and the banner are still to come.
      awaitLine(output, "users-1 … up on", Duration.ofSeconds(120));
      Matcher pid =
          Pattern.compile("users-1 … up on \\d+, pid (\\d+)")
              .matcher(
                  output.stream().filter(l -> l.contains("users-1 … up on")).findFirst().get());
      assertThat(pid.find()).isTrue();
      long instance = Long.parseLong(pid.group(1));
      // Every process the launcher started: the instances up, and those still starting.
      List<ProcessHandle> children = launcher.toHandle().children().toList();
      assertThat(children).extracting(ProcessHandle::pid).contains(instance);
      signal("TERM", launcher.pid());

      assertThat(launcher.waitFor(60, TimeUnit.SECONDS))
          .as("launcher exited; its output:%n%s", String.join("\n", output))
          .isTrue();
      Eventually.assertWithin(
          Duration.ofSeconds(30),
          () ->
              assertThat(children)
                  .as(
                      "users-1 (pid %d) and every other instance stopped with their launcher",
                      instance)
                  .noneMatch(ProcessHandle::isAlive));
    } finally {
      launcher.destroyForcibly();
    }
  }

  @Test
  @DisplayName(
      "A launcher killed outright (SIGKILL): its instances stop by themselves, and the next start"
          + " (--fresh) stops the PostgreSQL it left and comes up")
  void aKilledLaunchersLeftoversAreCleanedUp() throws Exception {
    Process killed = launcher("dev", "--instances", "2");
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> collect(killed, output), "launcher-output");
    reader.start();
    Process next = null;
    List<ProcessHandle> children = List.of();
    long postmaster = 0;
    try {
      awaitLine(output, "users-2 … up on", Duration.ofSeconds(120));
      // Every instance launched so far: users' two, and inventory's if they are on their way.
      children = killed.toHandle().children().toList();
      postmaster =
          Long.parseLong(Files.readAllLines(data.resolve("pg/postmaster.pid")).get(0).trim());
      signal("KILL", killed.pid());
      assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
      List<ProcessHandle> instances = children;
      Eventually.assertWithin(
          Duration.ofSeconds(30),
          () ->
              assertThat(instances)
                  .as("every instance stopped after its launcher was killed")
                  .noneMatch(ProcessHandle::isAlive));
      assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
          .as("PostgreSQL outlives a killed launcher (its own session)")
          .isTrue();

      // With --fresh, as people start again after a kill: the leftover goes before the wipe.
      next = launcher("infra", "--fresh");
      List<String> nextOutput = new CopyOnWriteArrayList<>();
      Process started = next;
      new Thread(() -> collect(started, nextOutput), "next-launcher-output").start();
      awaitLine(nextOutput, "Ctrl-C stops", Duration.ofSeconds(90));
      String stopped =
          "PostgreSQL " + postmaster + ", left running by a launcher that was killed … stopped";
      assertThat(nextOutput).anyMatch(l -> l.contains(stopped));
      long leftover = postmaster;
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () ->
              assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false))
                  .as("the leftover PostgreSQL, once reaped")
                  .isFalse());
      signal("TERM", next.pid());
      assertThat(next.waitFor(60, TimeUnit.SECONDS)).as(String.join("\n", nextOutput)).isTrue();
    } finally {
      // Whatever failed, nothing of this test goes on running (a launcher TERMed stops its own).
      killed.destroyForcibly();
      if (next != null) {
        next.destroy();
        if (!next.waitFor(60, TimeUnit.SECONDS)) {
          next.destroyForcibly();
        }
      }
      children.forEach(ProcessHandle::destroyForcibly);
      LeftoverPostgres.running(data.resolve("pg")).ifPresent(ProcessHandle::destroy);
    }
  }

  /** The launcher as a process of its own, with {@code args} and this test's data directory. */
  private Process launcher(String... args) throws IOException {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                Stockroom.class.getName()));
    command.addAll(List.of(args));
    command.addAll(List.of("--data", data.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    // The launcher and the instances it starts (they inherit its environment) start sooner so.
    pb.environment().put("JAVA_TOOL_OPTIONS", DevInstancesTest.QUICK_JVM);
    return pb.start();
  }

  /** Whether this JVM was started with SIGHUP ignored (its children inherit that). */
  private static boolean hangUpIgnoredHere() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseLong(line.substring("SigIgn:".length()).trim(), 16) & 1) != 0;
      }
    }
    return false;
  }

  private static void signal(String name, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).isTrue();
  }

  private static void collect(Process process, List<String> lines) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("(output lost: " + e + ")");
    }
  }

  private static void awaitLine(List<String> output, String text, Duration timeout) {
    Eventually.assertWithin(
        timeout, () -> assertThat(output).as("output so far").anyMatch(l -> l.contains(text)));
  }
}
