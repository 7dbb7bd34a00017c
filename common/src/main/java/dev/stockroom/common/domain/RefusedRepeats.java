package dev.stockroom.common.domain;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Items of a batch that repeat the id of an earlier item that was refused. A refused item's id is
 * given back (nothing of it is kept), so the single call repeated would be decided again and, in
 * the same state, refused the same way; it would not find the id "released before it was made" or
 * its owner missing, which is what looking it up after the batch answers.
 */
public final class RefusedRepeats {
  private RefusedRepeats() {}

  /**
   * Answers, in place, each unanswered item whose id an earlier item was refused: the same refusal
   * for an equal request ({@code key} equal), {@code reused} for another request under that id.
   */
  public static <R, T> void answer(
      List<R> requests,
      Function<R, String> id,
      Function<R, Object> key,
      BatchItem<T>[] answers,
      Function<R, Refusal> reused) {
    Map<String, Integer> refusedFirst = new HashMap<>();
    for (int i = 0; i < answers.length; i++) {
      R request = requests.get(i);
      Integer first = refusedFirst.get(id.apply(request));
      if (answers[i] == null && first != null) {
        answers[i] =
            key.apply(requests.get(first)).equals(key.apply(request))
                ? answers[first]
                : BatchItem.refused(reused.apply(request));
      } else if (answers[i] != null && answers[i].refusal() != null) {
        refusedFirst.putIfAbsent(id.apply(request), i);
      }
    }
  }
}
