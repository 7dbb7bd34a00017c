package dev.stockroom.common.replica;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The owner's answer for one id: its state ({@code null}: the owner does not have it) as of the
 * owner's read, on the owner's clock (the same clock as its watermarks and consistency tokens).
 */
public record OwnerAnswer(JsonObject record, Instant asOf) {}
