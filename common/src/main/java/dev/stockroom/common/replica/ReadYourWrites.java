package dev.stockroom.common.replica;

import java.time.Duration;

/**
 * What a read asks of copied rows after the caller's own write: every row at or past {@code token}.
 * Rows behind it are waited for, up to {@code maxWait}, while the replica consumer applies newer
 * events and watermarks; the rest are fetched from the owner; if the owner cannot answer either,
 * they are served flagged stale (never silently older).
 */
public record ReadYourWrites(ConsistencyToken token, Duration maxWait) {}
