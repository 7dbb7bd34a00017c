package dev.stockroom.users.people;

import dev.stockroom.common.outbox.OutboxEvent;
import dev.stockroom.users.UsersService;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * The events on users.v1. They carry the full shareable state of a person (never credit, which is
 * not copied) and the version, so a consumer can apply them idempotently in any order.
 */
final class UserEvents {
  static final String REGISTERED = "stockroom.user.registered";
  static final String UPDATED = "stockroom.user.updated";
  static final String DELETED = "stockroom.user.deleted";

  private UserEvents() {}

  static OutboxEvent registered(User user) {
    return new OutboxEvent(UsersService.TOPIC, user.id().toString(), REGISTERED, state(user));
  }

  static OutboxEvent updated(User user) {
    return new OutboxEvent(UsersService.TOPIC, user.id().toString(), UPDATED, state(user));
  }

  static OutboxEvent deleted(UUID id, long version, Instant at) {
    return new OutboxEvent(
        UsersService.TOPIC,
        id.toString(),
        DELETED,
        new JsonObject()
            .put("id", id.toString())
            .put("version", version)
            .put("deletedAt", at.toString()));
  }

  static OutboxEvent tombstone(UUID id) {
    return OutboxEvent.tombstone(UsersService.TOPIC, id.toString());
  }

  private static JsonObject state(User user) {
    return user.sharedState();
  }
}
