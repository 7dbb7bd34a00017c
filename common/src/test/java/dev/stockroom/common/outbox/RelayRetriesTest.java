package dev.stockroom.common.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The relay's retries")
class RelayRetriesTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final RelayRetries retries = new RelayRetries(now::get);

  @Test
  @DisplayName("wait from 100 ms, doubling, to at most a second, and not at all after a success")
  void delays() {
    assertThat(RelayRetries.delayMs(1)).isEqualTo(100);
    assertThat(RelayRetries.delayMs(2)).isEqualTo(200);
    assertThat(RelayRetries.delayMs(4)).isEqualTo(800);
    assertThat(RelayRetries.delayMs(5)).isEqualTo(RelayRetries.MAX_DELAY_MS);
    assertThat(RelayRetries.delayMs(500)).isEqualTo(RelayRetries.MAX_DELAY_MS);

    assertThat(retries.waiting()).isFalse();
    retries.failed(new TimeoutException("Timeout expired after 10000ms"));
    assertThat(retries.waiting()).isTrue();
    advanceMillis(99);
    assertThat(retries.waiting()).isTrue();
    advanceMillis(1);
    assertThat(retries.waiting()).isFalse();

    retries.failed(new TimeoutException("Timeout expired after 10000ms"));
    retries.succeeded();
    assertThat(retries.waiting()).as("a success ends the wait").isFalse();
  }

  @Test
  @DisplayName(
      "log the first failure, each new kind, every 20th of a kind, and again after a success")
  void logging() {
    assertThat(retries.failed(expired(3, 8001))).as("first").isTrue();
    assertThat(retries.failed(expired(5, 8004))).as("same kind, other numbers").isFalse();
    assertThat(retries.failed(new TimeoutException("Timeout expired after 10000ms")))
        .as("a new kind")
        .isTrue();
    for (int attempt = 4; attempt < 20; attempt++) {
      assertThat(retries.failed(new TimeoutException("Timeout expired after 10000ms")))
          .as("attempt %d", attempt)
          .isFalse();
    }
    assertThat(retries.failed(new TimeoutException("Timeout expired after 10000ms")))
        .as("the 20th")
        .isTrue();
    retries.succeeded();
    assertThat(retries.failed(new TimeoutException("Timeout expired after 10000ms")))
        .as("the first of a new outage")
        .isTrue();
  }

  private static TimeoutException expired(int partition, int millis) {
    return new TimeoutException(
        "Expiring 1 record(s) for users.v1-" + partition + ":" + millis + " ms has passed");
  }

  private void advanceMillis(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }
}
