package dev.stockroom.common.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Group commit")
class GroupCommitTest {
  private final List<List<Integer>> calls = new ArrayList<>();
  private final List<Promise<List<String>>> answers = new ArrayList<>();
  private final DistributionSummary sizes =
      DistributionSummary.builder("sizes").register(new SimpleMeterRegistry());

  private Future<List<String>> call(List<Integer> items) {
    calls.add(items);
    Promise<List<String>> answer = Promise.promise();
    answers.add(answer);
    return answer.future();
  }

  private void answer(int call) {
    answers.get(call).complete(calls.get(call).stream().map(i -> "#" + i).toList());
  }

  @Test
  @DisplayName(
      "the first item goes at once; items that come while a call is in flight go together in the"
          + " next, at most maxBatch at a time, each answered with its own result")
  void batchesWhileInFlight() {
    GroupCommit<Integer, String> group = new GroupCommit<>(3, this::call, sizes);

    Future<String> first = group.submit(1);
    List<Future<String>> later = new ArrayList<>();
    for (int i = 2; i <= 6; i++) {
      later.add(group.submit(i));
    }
    assertThat(calls).containsExactly(List.of(1));

    answer(0);
    assertThat(first.result()).isEqualTo("#1");
    assertThat(calls).containsExactly(List.of(1), List.of(2, 3, 4));
    answer(1);
    assertThat(calls).containsExactly(List.of(1), List.of(2, 3, 4), List.of(5, 6));
    answer(2);
    assertThat(later.stream().map(Future::result)).containsExactly("#2", "#3", "#4", "#5", "#6");
    assertThat(sizes.count()).isEqualTo(3);

    Future<String> idle = group.submit(7);
    assertThat(calls).as("idle again: the next item goes at once").hasSize(4);
    answer(3);
    assertThat(idle.result()).isEqualTo("#7");
  }

  @Test
  @DisplayName("a failed call fails every item of its batch, and the next batch still goes")
  void failureFailsTheBatch() {
    GroupCommit<Integer, String> group = new GroupCommit<>(10, this::call, sizes);
    Future<String> first = group.submit(1);
    Future<String> second = group.submit(2);
    Future<String> third = group.submit(3);

    answers.get(0).fail("database gone");
    assertThat(first.cause()).hasMessage("database gone");
    assertThat(calls).containsExactly(List.of(1), List.of(2, 3));
    answers.get(1).fail(new IllegalStateException("still gone"));
    assertThat(second.failed()).isTrue();
    assertThat(third.cause()).hasMessage("still gone");
  }

  @Test
  @DisplayName("a call that throws instead of answering fails its batch, not the caller")
  void throwingCall() {
    GroupCommit<Integer, String> group =
        new GroupCommit<>(
            10,
            items -> {
              throw new IllegalArgumentException("bug");
            },
            sizes);
    assertThat(group.submit(1).cause()).hasMessage("bug");
    assertThat(group.submit(2).cause()).as("and it is not stuck").hasMessage("bug");
  }

  @Test
  @DisplayName("a batch read by key answers each item in the batch's order, empty when not found")
  void inOrder() {
    assertThat(
            GroupCommit.inOrder(List.of(3, 1, 2), i -> "k" + i, Map.of("k1", "one", "k3", "three")))
        .containsExactly(Optional.of("three"), Optional.of("one"), Optional.empty());
  }
}
