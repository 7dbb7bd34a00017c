package dev.stockroom.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.VertxException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Failures that mean the database cannot be reached")
class DatabaseUnavailableTest {

  @Test
  @DisplayName("a reset while writing to a new connection counts, as NIO reports it")
  void resetOnWriteCounts() {
    // The chaos run's PostgreSQL restart: the pool's new connection accepted, then reset while
    // the startup message was written. NIO throws a plain IOException there, not a
    // SocketException, and the PATCH was answered 500 instead of 503.
    assertThat(DatabaseUnavailable.is(new IOException("Connection reset by peer"))).isTrue();
    assertThat(DatabaseUnavailable.is(new VertxException(new IOException("Broken pipe")))).isTrue();
    assertThat(DatabaseUnavailable.is(new ConnectException("Connection refused"))).isTrue();
  }

  @Test
  @DisplayName("a bug is not one")
  void bugsDoNotCount() {
    assertThat(DatabaseUnavailable.is(new IllegalStateException("a bug"))).isFalse();
    assertThat(DatabaseUnavailable.is(new NullPointerException())).isFalse();
  }
}
