package dev.stockroom.users.people;

import dev.stockroom.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * All SQL about people. Every change writes the row and its event to the outbox in ONE transaction,
 * and bumps the version by exactly one.
 */
public final class UserStore {
  private static final String COLUMNS =
      "id, "
          + ProfileField.COLUMNS
          + ", credit_limit_cents, captured_cents, held_cents, version, updated_at,"
          + " credit_limit_cents - captured_cents - held_cents AS available_cents";

  /** $1 the id, then the profile's fields, then the credit limit. */
  private static final String INSERT =
      "INSERT INTO users (id, "
          + ProfileField.COLUMNS
          + ", credit_limit_cents) VALUES ($1, "
          + ProfileField.parameters(2)
          + ", $"
          + (ProfileField.values().length + 2)
          + ") RETURNING "
          + COLUMNS;

  private static final String BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = $1";
  private static final String BY_ID_FOR_UPDATE = BY_ID + " FOR UPDATE";

  /** With the time of the read: the replicas' fallback writes the answer back as of it. */
  private static final String BY_IDS =
      "SELECT " + COLUMNS + ", statement_timestamp() AS read_at FROM users WHERE id = ANY($1)";

  private static final String NOW = "SELECT statement_timestamp() AS now";
  private static final String FIRST_PAGE = "SELECT " + COLUMNS + " FROM users ORDER BY id LIMIT $1";
  private static final String PAGE_AFTER =
      "SELECT " + COLUMNS + " FROM users WHERE id > $1 ORDER BY id LIMIT $2";

  /** $1 the id, then the profile's fields. */
  private static final String UPDATE =
      "UPDATE users SET "
          + ProfileField.assignments(2)
          + ", version = version + 1, updated_at = clock_timestamp() WHERE id = $1 RETURNING "
          + COLUMNS;

  private static final String DELETE =
      "DELETE FROM users WHERE id = $1 RETURNING version, clock_timestamp() AS deleted_at";

  private final Pool pool;

  public UserStore(Pool pool) {
    this.pool = pool;
  }

  public Future<User> create(UserWrite user) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(INSERT)
                    .execute(
                        user.given()
                            .addTo(Tuple.tuple().addUUID(UUID.randomUUID()))
                            .addLong(user.creditLimitCents()))
                    .map(rows -> User.from(rows.iterator().next()))
                    .compose(
                        created ->
                            Outbox.append(conn, UserEvents.registered(created)).map(created)))
        .recover(UserStore::emailTaken);
  }

  public Future<Optional<User>> find(UUID id) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(id)).map(UserStore::first);
  }

  /** The users found and the database time they were read at. */
  public record Found(List<User> users, Instant readAt) {}

  public Future<Found> findAll(List<UUID> ids) {
    return pool.preparedQuery(BY_IDS)
        .execute(Tuple.of((Object) ids.toArray(UUID[]::new)))
        .compose(
            rows ->
                rows.size() > 0
                    ? Future.succeededFuture(
                        new Found(
                            all(rows),
                            rows.iterator().next().getOffsetDateTime("read_at").toInstant()))
                    : now().map(at -> new Found(List.of(), at)));
  }

  /**
   * The database clock now. Read after a write has committed, it is a point in commit order after
   * that write: the consistency token handed to the writer.
   */
  public Future<Instant> now() {
    return pool.query(NOW)
        .execute()
        .map(rows -> rows.iterator().next().getOffsetDateTime("now").toInstant());
  }

  public Future<List<User>> page(UUID after, int limit) {
    return (after == null
            ? pool.preparedQuery(FIRST_PAGE).execute(Tuple.of(limit))
            : pool.preparedQuery(PAGE_AFTER).execute(Tuple.of(after, limit)))
        .map(UserStore::all);
  }

  /**
   * Applies a change, only if the user's version passes {@code condition} (If-Match). A change that
   * changes nothing is not a new version and publishes nothing.
   */
  public Future<User> change(UUID id, UserWrite change, VersionCondition condition) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(BY_ID_FOR_UPDATE)
                    .execute(Tuple.of(id))
                    .map(rows -> first(rows).orElseThrow(() -> PersonRefusal.unknown(id)))
                    .compose(current -> apply(conn, current, change, condition)))
        .recover(UserStore::emailTaken);
  }

  private static Future<User> apply(
      SqlConnection conn, User current, UserWrite change, VersionCondition condition) {
    if (!condition.allows(current.version())) {
      throw PersonRefusal.versionMismatch(current.version(), condition.refusal(current.version()));
    }
    User wanted = change.applyTo(current);
    if (wanted.equals(current)) {
      // No event, but the writer is handed a token: a watermark soon covers it.
      return Outbox.requestWatermark(conn).map(current);
    }
    return conn.preparedQuery(UPDATE)
        .execute(wanted.profile().addTo(Tuple.tuple().addUUID(current.id())))
        .map(rows -> User.from(rows.iterator().next()))
        .compose(updated -> Outbox.append(conn, UserEvents.updated(updated)).map(updated));
  }

  /** Erases the person: the deleted event (next version), then a tombstone. Idempotent. */
  public Future<Boolean> delete(UUID id) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(DELETE)
                .execute(Tuple.of(id))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Outbox.requestWatermark(conn).map(false);
                      }
                      Row row = rows.iterator().next();
                      Instant at = row.getOffsetDateTime("deleted_at").toInstant();
                      return Outbox.append(
                              conn,
                              List.of(
                                  UserEvents.deleted(id, row.getLong("version") + 1, at),
                                  UserEvents.tombstone(id)))
                          .map(true);
                    }));
  }

  private static Optional<User> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(User.from(rows.iterator().next()));
  }

  private static List<User> all(RowSet<Row> rows) {
    List<User> users = new ArrayList<>(rows.size());
    rows.forEach(row -> users.add(User.from(row)));
    return users;
  }

  private static <T> Future<T> emailTaken(Throwable failure) {
    if (failure instanceof PgException pg
        && "23505".equals(pg.getSqlState())
        && String.valueOf(pg.getConstraint()).contains("email")) {
      return Future.failedFuture(PersonRefusal.emailTaken());
    }
    return Future.failedFuture(failure);
  }
}
