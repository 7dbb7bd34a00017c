package dev.stockroom.common.replica;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of the local copy as read, with {@code asOf = max(synced_at, watermark of its partition)}.
 * A deleted person keeps only id and version here (the guard against late, older events).
 */
public record LocalRow(UUID id, JsonObject data, long version, boolean deleted, Instant asOf) {}
