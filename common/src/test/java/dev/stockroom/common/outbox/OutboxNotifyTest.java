package dev.stockroom.common.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.GenericPlans;
import dev.stockroom.common.testing.TestDb;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A notification commits under a lock every notifying transaction of the cluster takes in turn,
 * held through the commit's flush; so the outbox notifies only when the relay may be idle.
 */
@DisplayName("Waking the outbox relay")
class OutboxNotifyTest {
  @Test
  @DisplayName(
      "a write notifies when no earlier event waits for the relay, and only then (a relay that"
          + " publishes looks again by itself)")
  void notifiesOnlyWhenTheRelayMayBeIdle() throws SQLException {
    String db = GenericPlans.migratedDatabase("outbox_notify", "db/outbox");
    try (Connection relay = TestDb.connect(db);
        Statement listen = relay.createStatement()) {
      listen.execute("LISTEN outbox");
      PGConnection session = relay.unwrap(PGConnection.class);

      append(db, "a");
      assertThat(notifications(session, 10_000)).as("the first event").isEqualTo(1);

      append(db, "b");
      append(db, "c");
      assertThat(notifications(session, 500)).as("behind events still waiting").isZero();

      TestDb.execute(db, "UPDATE outbox SET published_at = now()");
      append(db, "d");
      assertThat(notifications(session, 10_000)).as("after everything was published").isEqualTo(1);

      // An event waiting far back (1,000 ids or more) is not looked for: a notification more.
      TestDb.count(db, "SELECT setval('outbox_id_seq', nextval('outbox_id_seq') + 1000)");
      append(db, "e");
      assertThat(notifications(session, 10_000)).as("d waits, 1,000 ids back").isEqualTo(1);
      // A statement that inserts nothing does not notify, even with the relay idle.
      TestDb.execute(db, "UPDATE outbox SET published_at = now()");
      TestDb.execute(
          db,
          "INSERT INTO outbox (topic, event_key, event_type, event_id, payload)"
              + " SELECT 't', 'none', 'x', gen_random_uuid(), '{}' WHERE false");
      assertThat(notifications(session, 500)).as("a statement that wrote no event").isZero();
    }
  }

  private static void append(String db, String key) {
    TestDb.execute(
        db,
        "INSERT INTO outbox (topic, event_key, event_type, event_id, payload)"
            + " VALUES ('t', '"
            + key
            + "', 'x', gen_random_uuid(), '{}')");
  }

  /** The notifications that arrive within {@code millis} (returns at the first one). */
  private static int notifications(PGConnection session, int millis) throws SQLException {
    PGNotification[] arrived = session.getNotifications(millis);
    return arrived == null ? 0 : arrived.length;
  }
}
