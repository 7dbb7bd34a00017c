package dev.stockroom.loadtest.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.embedded.EmbeddedPostgresServer;
import dev.stockroom.loadtest.Db;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatementStatsTest {
  @Test
  void countsTheServicesStatementsWhileStarted() {
    try (EmbeddedPostgresServer pg =
        EmbeddedPostgresServer.start(
            null, 0, true, Map.of("shared_preload_libraries", "pg_stat_statements"))) {
      pg.createDatabaseIfMissing("users");
      StatementStats stats = new StatementStats(pg.uri("postgres"));
      stats.install();
      Db users = new Db(pg.uri("users"));
      users.lines(List.of("CREATE TABLE people (id int)"));
      users.query("SELECT count(*) FROM people WHERE id < ?", 0); // not counted: tracking is off
      stats.start();

      for (int i = 0; i < 3; i++) {
        users.query("SELECT count(*) FROM people WHERE id > ?", i);
      }
      new Db(pg.uri("postgres")).query("SELECT 42");

      List<StatementStats.Statement> read = stats.stop();
      users.query("SELECT count(*) FROM people WHERE id <> ?", 0); // not counted: stopped
      assertThat(read)
          .filteredOn(s -> s.query().contains("FROM people"))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.database()).isEqualTo("users");
                assertThat(s.query()).isEqualTo("SELECT count(*) FROM people WHERE id > $1");
                assertThat(s.calls()).isEqualTo(3);
                assertThat(s.rows()).isEqualTo(3);
              });
      assertThat(read).noneMatch(s -> s.query().contains("42")).allMatch(s -> s.calls() > 0);
      assertThat(read).noneMatch(s -> s.query().contains("id <"));
      assertThat(stats.stop()).noneMatch(s -> s.query().contains("id <>"));
    }
  }
}
