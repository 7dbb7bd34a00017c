package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.PostgresCrash;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local PostgreSQL killed from outside while the launcher runs. */
class PostgresWatchTest {
  @TempDir Path data;

  @Test
  @DisplayName(
      "PostgreSQL killed under a running launcher is started again on the same data, and the"
          + " launcher says so")
  void killedPostgresComesBack() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Progress progress = new Progress(new PrintStream(printed, true, StandardCharsets.UTF_8));
    LauncherOptions options =
        new LauncherOptions(
            false, false, data, new LauncherOptions.Ports(0, 0, 0, 0, 0, 0), Map.of(), 1);
    try (Infrastructure infra = Infrastructure.start(options, progress)) {
      String users = infra.postgres().jdbcUrl("users");
      execute(users, "CREATE TABLE kept (n int)", "INSERT INTO kept VALUES (1)");

      PostgresCrash.kill(infra.postgres());

      Eventually.assertWithin(
          Duration.ofSeconds(60),
          () -> {
            assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("PostgreSQL stopped without being asked")
                .contains("PostgreSQL is back on port " + infra.postgres().port());
            assertThat(count(users)).isEqualTo(1);
          });
    }
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .as("an orderly stop is no crash")
        .containsOnlyOnce("PostgreSQL stopped without being asked");
  }

  private static void execute(String url, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static int count(String url) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM kept")) {
      rs.next();
      return rs.getInt(1);
    } catch (Exception e) {
      throw new AssertionError("PostgreSQL not answering: " + e, e);
    }
  }
}
