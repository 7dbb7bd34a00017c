package dev.stockroom.common.domain;

import java.util.function.Supplier;

/**
 * One item's answer in a batch call: what the single call would have answered, made now ({@code
 * created}) or found again, or its refusal.
 */
public record BatchItem<T>(T value, boolean created, Refusal refusal) {
  public static <T> BatchItem<T> created(T value) {
    return new BatchItem<>(value, true, null);
  }

  public static <T> BatchItem<T> refused(Refusal refusal) {
    return new BatchItem<>(null, false, refusal);
  }

  /** What {@code found} answers (not made now), or the refusal it throws. */
  public static <T> BatchItem<T> of(Supplier<T> found) {
    try {
      return new BatchItem<>(found.get(), false, null);
    } catch (Refusal refusal) {
      return refused(refusal);
    }
  }
}
