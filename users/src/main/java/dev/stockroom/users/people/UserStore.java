package dev.stockroom.users.people;

import dev.stockroom.common.http.Problem;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/** All SQL about people, prepared and parameterised. */
public final class UserStore {
  static final String COLUMNS =
      "id, name, email, phone, credit_limit_cents, version, updated_at,"
          + " credit_limit_cents - captured_cents AS available_cents";

  private static final String INSERT =
      "INSERT INTO users (id, name, email, phone, credit_limit_cents) VALUES ($1, $2, $3, $4, $5)"
          + " RETURNING "
          + COLUMNS;
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = $1";

  private final Pool pool;

  public UserStore(Pool pool) {
    this.pool = pool;
  }

  public Future<User> create(NewUser user) {
    return pool.preparedQuery(INSERT)
        .execute(
            Tuple.of(
                UUID.randomUUID(),
                user.name(),
                user.email(),
                user.phone(),
                user.creditLimitCents()))
        .map(rows -> User.from(rows.iterator().next()))
        .recover(UserStore::emailTaken);
  }

  public Future<Optional<User>> find(UUID id) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(id)).map(UserStore::first);
  }

  static Optional<User> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(User.from(rows.iterator().next()));
  }

  static <T> Future<T> emailTaken(Throwable failure) {
    if (failure instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return Future.failedFuture(
          Problem.typed(409, "email-taken", "Email taken", "Another user already has this email"));
    }
    return Future.failedFuture(failure);
  }
}
