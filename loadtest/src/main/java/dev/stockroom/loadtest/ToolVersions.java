package dev.stockroom.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Versions of the tools a run used, for the machine section of the report. */
final class ToolVersions {
  private ToolVersions() {}

  static String postgres(Db db) {
    return db.query("SHOW server_version").get(0).values().iterator().next().toString();
  }

  /** The settings that decide what a commit costs: whether it waits for its WAL on disk. */
  static String postgresCommits(Db db) {
    return "fsync "
        + db.query("SHOW fsync").get(0).values().iterator().next()
        + ", synchronous_commit "
        + db.query("SHOW synchronous_commit").get(0).values().iterator().next();
  }

  /** As pinned in loadtest/pom.xml, which is what the gatling-maven-plugin runs. */
  static String gatling(Path root) {
    try {
      String pom = Files.readString(root.resolve("loadtest/pom.xml"));
      Matcher m = Pattern.compile("<gatling.version>([^<]+)<").matcher(pom);
      return m.find() ? m.group(1) : "?";
    } catch (IOException e) {
      return "?";
    }
  }

  static String wrk() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      return out.lines().findFirst().orElse("?").replaceAll(" Copyright.*", "");
    } catch (IOException e) {
      return "not installed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
