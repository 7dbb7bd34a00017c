package dev.stockroom.common.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.TestServices;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Event loops")
class EventLoopsTest {

  @Test
  @DisplayName("a service has one event loop per HTTP verticle, so pooled connections sit on them")
  void oneEventLoopPerHttpVerticle() {
    // The pool opens a connection on the event loop that asks for it and prefers one on the
    // asking loop. With more loops than HTTP verticles, connections opened by a consumer or a
    // relay on a loop of their own served requests from another thread: two hand-overs a query.
    Map<String, String> env = TestServices.env("loops");
    env.put("HTTP_INSTANCES", "3");
    RunningService service = TestServices.start(PlatformTestService::start, env);
    try {
      List<EventExecutor> loops = new ArrayList<>();
      ((VertxInternal) service.context().vertx()).nettyEventLoopGroup().forEach(loops::add);
      assertThat(loops).hasSize(3);
    } finally {
      TestServices.await(service.stop(), Duration.ofSeconds(20));
    }
  }
}
